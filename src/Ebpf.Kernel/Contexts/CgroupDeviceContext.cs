namespace Ebpf.Kernel;

/// <summary>The kind of device file (BPF_DEVCG_DEV_*).</summary>
public enum DeviceType : ushort
{
    Block = 1,
    Char = 2,
}

/// <summary>What the process does to the device (BPF_DEVCG_ACC_*).</summary>
[Flags]
public enum DeviceAccess : ushort
{
    Mknod = 1,
    Read = 2,
    Write = 4,
}

/// <summary>The context of cgroup_device programs: <c>struct bpf_cgroup_dev_ctx</c>, one access to a device file.</summary>
[KernelStruct("bpf_cgroup_dev_ctx", 12)]
public sealed class CgroupDeviceContext : BpfContext
{
    public static class Offsets
    {
        public const int AccessType = 0, Major = 4, Minor = 8;
        public const int Size = 12;
    }

    private CgroupDeviceContext() : base(Offsets.Size) { }

    [ManagedOnly]
    public static CgroupDeviceContext ForTest(DeviceType type, DeviceAccess access, uint major, uint minor)
    {
        var ctx = new CgroupDeviceContext();
        ctx.SetU32(Offsets.AccessType, (uint)access << 16 | (uint)type);
        ctx.SetU32(Offsets.Major, major);
        ctx.SetU32(Offsets.Minor, minor);
        return ctx;
    }

    /// <summary>The raw field: access in the high 16 bits, device type in the low 16.</summary>
    [ContextField("access_type", Offsets.AccessType, 4)]
    public uint AccessType => U32(Offsets.AccessType);

    [ContextField("access_type", Offsets.AccessType, 4, Conversion = ContextFieldConversion.High16)]
    public DeviceAccess Access => (DeviceAccess)(U32(Offsets.AccessType) >> 16);

    [ContextField("access_type", Offsets.AccessType, 4, Conversion = ContextFieldConversion.Low16)]
    public DeviceType DeviceType => (DeviceType)(ushort)U32(Offsets.AccessType);

    [ContextField("major", Offsets.Major, 4)]
    public uint Major => U32(Offsets.Major);

    [ContextField("minor", Offsets.Minor, 4)]
    public uint Minor => U32(Offsets.Minor);
}
