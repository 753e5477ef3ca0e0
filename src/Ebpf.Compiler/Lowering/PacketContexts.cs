using Ebpf.Asm;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Contexts whose packet (or message) is read directly between two pointer fields: where data and data_end are and how wide
/// the verifier wants their loads (__sk_buff and xdp_md hold 32-bit fields the kernel rewrites; sk_msg_md holds 64-bit pointers).
/// </summary>
internal static class PacketContexts
{
    public readonly record struct Bounds(short Data, short End, MemorySize Size);

    public static Bounds? Of(Type context) =>
        context == typeof(SkBuffContext) ? new(76, 80, MemorySize.W)
        : context == typeof(XdpContext) ? new(0, 4, MemorySize.W)
        : context == typeof(SkMsgContext) ? new(0, 8, MemorySize.DW)
        : null;
}
