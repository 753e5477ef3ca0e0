using Ebpf.Asm;

namespace Ebpf.Compiler.CodeGen;

/// <summary>A C# method compiled to a BPF function: arguments in r1-r5, result in r0, its own stack frame; lines by instruction index.</summary>
internal sealed record CompiledFunction(string Name, Instruction[] Instructions, int StackBytes, IReadOnlyList<(int Index, SourceLocation Location)> Lines)
{
    /// <summary>LD_IMM64 instructions (by index) that load a map's address, for the object's relocations.</summary>
    public IReadOnlyList<(int Index, string Map)> MapRelocations { get; init; } = [];

    /// <summary>LD_IMM64 instructions (by index) that load the address of constant bytes in .rodata.</summary>
    public IReadOnlyList<(int Index, byte[] Data)> DataRelocations { get; init; } = [];

    /// <summary>LD_IMM64 instructions (by index) that load the address of a global variable, by field name.</summary>
    public IReadOnlyList<(int Index, string Field)> GlobalRelocations { get; init; } = [];

    /// <summary>Instructions (by index) whose offset or immediate the loader sets from the kernel's BTF (CO-RE).</summary>
    public IReadOnlyList<(int Index, Ir.CoreRelocation Relocation)> CoreRelocations { get; init; } = [];

    /// <summary>Calls of [Kfunc] methods, and LD_IMM64 of their symbols (Kfunc.Exists), by instruction index.</summary>
    public IReadOnlyList<(int Index, System.Reflection.MethodInfo Kfunc)> KfuncRelocations { get; init; } = [];

    /// <summary>The function's log lines (Log.Information($"...")), for the object's .ebpf.logs section.</summary>
    public IReadOnlyList<Ebpf.Object.Logs.LogSite> LogSites { get; init; } = [];
}

/// <summary>A [Map] field of the program's class as the compiler needs it.</summary>
internal sealed record MapInfo(string Name, Ebpf.Kernel.MapType Type, int KeySize, int ValueSize, int MaxEntries, uint Flags);
