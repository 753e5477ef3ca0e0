namespace Ebpf.Object.Writing;

/// <summary>What a <see cref="CodeRelocation"/> points at.</summary>
public enum CodeRelocationKind
{
    /// <summary>LD_IMM64 of a map: R_BPF_64_64 against the map's symbol in .maps.</summary>
    Map,
    /// <summary>LD_IMM64 of a global variable's address plus an addend: R_BPF_64_64 against the variable or its section.</summary>
    Variable,
    /// <summary>A BPF-to-BPF call to a subprogram: R_BPF_64_32 (none within one section, where clang resolves it itself).</summary>
    Call,
    /// <summary>LD_IMM64 of a subprogram's address (callbacks for bpf_loop and friends): R_BPF_64_64 against .text.</summary>
    FunctionAddress,
    /// <summary>A call to a kfunc (<see cref="BpfObjectBuilder.AddKfunc"/>): R_BPF_64_32 against its undefined symbol, as clang writes a call to an extern function.</summary>
    Kfunc,
    /// <summary>LD_IMM64 of a kfunc's address (<c>bpf_ksym_exists</c>): R_BPF_64_64 against its undefined symbol; the loader writes its BTF id, or 0 when a weak one is missing.</summary>
    KfuncAddress,
}

/// <summary>
/// An instruction whose immediate the writer (and later the loader) fills in. <see cref="InstructionIndex"/> is an
/// index into the function's instruction list (an LD_IMM64 counts once). The writer sets the immediate and source
/// register as clang does, so the compiler may leave them zero.
/// </summary>
public sealed record CodeRelocation(int InstructionIndex, CodeRelocationKind Kind, string Target, long Addend = 0)
{
    public static CodeRelocation Map(int instructionIndex, string mapName) => new(instructionIndex, CodeRelocationKind.Map, mapName);

    /// <summary><paramref name="offset"/> is added to the variable's address (a field of a struct variable, say).</summary>
    public static CodeRelocation Variable(int instructionIndex, string variableName, long offset = 0) =>
        new(instructionIndex, CodeRelocationKind.Variable, variableName, offset);

    public static CodeRelocation Call(int instructionIndex, string subprogramName) => new(instructionIndex, CodeRelocationKind.Call, subprogramName);

    /// <summary>A call to the kfunc <paramref name="kfuncName"/>, declared with <see cref="BpfObjectBuilder.AddKfunc"/>.</summary>
    public static CodeRelocation Kfunc(int instructionIndex, string kfuncName) => new(instructionIndex, CodeRelocationKind.Kfunc, kfuncName);

    /// <summary>LD_IMM64 of the kfunc <paramref name="kfuncName"/>'s address: non-zero when the kernel has it.</summary>
    public static CodeRelocation KfuncAddress(int instructionIndex, string kfuncName) => new(instructionIndex, CodeRelocationKind.KfuncAddress, kfuncName);

    public static CodeRelocation FunctionAddress(int instructionIndex, string subprogramName) =>
        new(instructionIndex, CodeRelocationKind.FunctionAddress, subprogramName);
}
