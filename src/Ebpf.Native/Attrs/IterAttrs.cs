using System.Runtime.InteropServices;

namespace Ebpf.Native.Attrs;

/// <summary>BPF_ITER_CREATE (member "iter_create").</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct IterCreateAttr
{
    [FieldOffset(0)] public uint LinkFd;
    [FieldOffset(4)] public uint Flags;
}
