using System.Runtime.InteropServices;

namespace Ebpf.Native.Attrs;

/// <summary>BPF_OBJ_PIN and BPF_OBJ_GET.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ObjPinAttr
{
    [FieldOffset(0)] public ulong Pathname;
    [FieldOffset(8)] public uint BpfFd;
    [FieldOffset(12)] public uint FileFlags;
}

/// <summary>The *_GET_NEXT_ID and *_GET_FD_BY_ID commands.</summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct GetIdAttr
{
    /// <summary>Also prog_id, map_id, btf_id, link_id (same slot).</summary>
    [FieldOffset(0)] public uint StartId;
    [FieldOffset(4)] public uint NextId;
    [FieldOffset(8)] public uint OpenFlags;
}

/// <summary>BPF_OBJ_GET_INFO_BY_FD (member "info").</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct InfoAttr
{
    [FieldOffset(0)] public uint BpfFd;
    [FieldOffset(4)] public uint InfoLen;
    [FieldOffset(8)] public ulong Info;
}

/// <summary>BPF_BTF_LOAD.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct BtfLoadAttr
{
    [FieldOffset(0)] public ulong Btf;
    [FieldOffset(8)] public ulong BtfLogBuf;
    [FieldOffset(16)] public uint BtfSize;
    [FieldOffset(20)] public uint BtfLogSize;
    [FieldOffset(24)] public uint BtfLogLevel;
    /// <summary>Written by kernels since 6.4.</summary>
    [FieldOffset(28)] public uint BtfLogTrueSize;
}
