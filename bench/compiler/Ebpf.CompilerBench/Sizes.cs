using Ebpf;
using Ebpf.Linking;
using Ebpf.Object;

namespace Ebpf.CompilerBench;

/// <summary>
/// Sizes of one program. Instructions: the program as the loader hands it to the kernel (main function and the
/// subprograms it calls, LD_IMM64 counted as 2 slots, as the kernel counts). Xlated (after the verifier's rewrites),
/// jited bytes and verified instructions (how much work the verifier did) come from the kernel, so only once loaded.
/// </summary>
public sealed record Sizes(int Instructions, int? Xlated, int? Jited, int? Verified)
{
    public static Sizes Of(BpfObjectFile spec, BpfProgram? loaded, string? name = null)
    {
        name ??= loaded?.Name ?? throw new ArgumentNullException(nameof(name));
        var program = spec.FindProgram(name) ?? throw new InvalidOperationException($"no program '{name}' in {spec.Source}");
        int slots = ProgramLinker.Link(program).SlotCount;
        if (loaded is null)
            return new Sizes(slots, null, null, null);
        var info = loaded.Info;
        return new Sizes(slots, (int)info.XlatedSize / 8, (int)info.JitedSize, (int)info.VerifiedInstructions);
    }
}
