using System.Buffers.Binary;
using Ebpf.Native;
using Ebpf.Object.Btf;
using Ebpf.Object.Maps;
using BtfSpec = Ebpf.Object.Btf.Btf;

namespace Ebpf.Loading;

/// <summary>The program of one struct_ops member: loaded with expected_attach_type = the member's index in the kernel struct and attach_btf_id = the struct.</summary>
internal sealed record StructOpsProgramTarget(string Map, string StructName, string Member, int MemberIndex, uint StructId);

/// <summary>
/// struct_ops maps against the kernel's BTF, as libbpf's bpf_map__init_kern_vdata: the map's value is
/// <c>struct bpf_struct_ops_NAME</c>, whose <c>data</c> member is the kernel struct; non-pointer members are copied by
/// name from the object's bytes, function pointers become program descriptors.
/// </summary>
internal sealed class StructOpsLoading
{
    private sealed record KernelStruct(BtfStruct Type, BtfStruct Wrapper, long DataOffset);

    private readonly Dictionary<string, KernelStruct> _kernel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructOpsProgramTarget> _programs = new(StringComparer.Ordinal);

    public StructOpsLoading(IEnumerable<MapSpec> maps, string source)
    {
        foreach (var map in maps)
        {
            if (map.StructOps is not { } ops)
                continue;
            var kernel = Resolve(map, ops, source);
            _kernel[map.Name] = kernel;
            foreach (var m in ops.Members)
            {
                var index = MemberIndex(kernel.Type, m.Name) ?? throw new BpfLoadException(
                    $"{source}: struct_ops map '{map.Name}' sets member '{m.Name}', which the kernel's struct {ops.TypeName} does not have");
                var target = new StructOpsProgramTarget(map.Name, ops.TypeName, m.Name, index, (uint)kernel.Type.Id);
                if (_programs.TryGetValue(m.Program, out var other) && other != target)
                    throw new BpfLoadException($"{source}: program '{m.Program}' is used by struct_ops map '{other.Map}' ({other.Member}) and '{map.Name}' ({m.Name}); a struct_ops program serves one member");
                _programs[m.Program] = target;
            }
        }
    }

    public IReadOnlyDictionary<string, StructOpsProgramTarget> Programs => _programs;

    private static BtfSpec Vmlinux => CoRe.KernelBtf.Shared;

    private static KernelStruct Resolve(MapSpec map, StructOpsSpec ops, string source)
    {
        if (Vmlinux.FindByName(ops.TypeName, BtfKind.Struct) is not BtfStruct type)
            throw new BpfLoadException($"{source}: struct_ops map '{map.Name}' implements struct {ops.TypeName}, which the kernel's BTF (/sys/kernel/btf/vmlinux) does not have");
        var wrapperName = "bpf_struct_ops_" + ops.TypeName;
        if (Vmlinux.FindByName(wrapperName, BtfKind.Struct) is not BtfStruct wrapper)
            throw new BpfLoadException($"{source}: struct_ops map '{map.Name}': the kernel has no struct {wrapperName}, so struct {ops.TypeName} cannot be implemented by BPF (no struct_ops for it in this kernel)");
        var data = wrapper.Members.FirstOrDefault(m => m.Name == "data");
        if (data.Name is null)
            throw new BpfLoadException($"{source}: struct_ops map '{map.Name}': the kernel's struct {wrapperName} has no 'data' member");
        return new KernelStruct(type, wrapper, data.BitOffset / 8);
    }

    private static int? MemberIndex(BtfStruct type, string name)
    {
        for (var i = 0; i < type.Members.Count; i++)
            if (type.Members[i].Name == name)
                return i;
        return null;
    }

    /// <summary>BPF_MAP_CREATE of type struct_ops: key 4 bytes, one entry, value and btf_vmlinux_value_type_id from the wrapper; BPF_F_LINK for .struct_ops.link.</summary>
    public MapCreateRequest CreateRequest(MapSpec map, BpfBtfFd? btf)
    {
        var kernel = _kernel[map.Name];
        if (btf is null)
            throw new BpfLoadException($"struct_ops map '{map.Name}' (struct {map.StructOps!.TypeName}) needs the object's BTF loaded in the kernel, and the kernel refused it or the object has none");
        return new MapCreateRequest(BpfMapType.StructOps, 4, (int)kernel.Wrapper.Size, 1)
        {
            Flags = (BpfMapFlags)map.Flags, Name = BpfObjectName.ForKernel(map.Name), Btf = btf,
            BtfVmlinuxValueTypeId = (uint)kernel.Wrapper.Id,
        };
    }

    /// <summary>The kernel value for element 0: the object's member bytes moved to the kernel's offsets, programs as descriptors.</summary>
    public byte[] KernelValue(MapSpec map, BtfSpec local, IReadOnlyDictionary<string, BpfProgram> programs)
    {
        var ops = map.StructOps!;
        var kernel = _kernel[map.Name];
        var value = new byte[kernel.Wrapper.Size];
        if (local.Skip(ops.TypeId) is not BtfStruct localType)
            throw new BpfLoadException($"struct_ops map '{map.Name}': its BTF type [{ops.TypeId}] is not a struct");
        foreach (var member in localType.Members)
        {
            var localOffset = member.BitOffset / 8;
            var localSize = local.SizeOf(member.Type);
            var index = MemberIndex(kernel.Type, member.Name);
            var bytes = ops.Data.AsSpan((int)localOffset, (int)localSize);
            if (index is not { } i)
            {
                if (bytes.IndexOfAnyExcept((byte)0) >= 0)
                    throw new BpfLoadException($"struct_ops map '{map.Name}' sets member '{member.Name}', which the kernel's struct {ops.TypeName} does not have");
                continue;
            }
            var kernelMember = kernel.Type.Members[i];
            if (member.BitfieldSize != 0 || kernelMember.BitfieldSize != 0)
                throw new BpfLoadException($"struct_ops map '{map.Name}': member '{member.Name}' is a bitfield, which struct_ops maps do not support");
            var at = (int)(kernel.DataOffset + kernelMember.BitOffset / 8);
            if (local.Skip(member.Type) is BtfPointer p && local.Skip(p.Type) is BtfFuncProto)
            {
                if (ops.Members.FirstOrDefault(m => m.Name == member.Name) is not { } bound)
                    continue;
                if (!programs.TryGetValue(bound.Program, out var program))
                    throw new BpfLoadException($"struct_ops map '{map.Name}': member '{member.Name}' needs program '{bound.Program}', which was not loaded");
                BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(at), program.Fd.Fd);
                continue;
            }
            var kernelSize = Vmlinux.SizeOf(kernelMember.Type);
            if (kernelSize != localSize)
                throw new BpfLoadException($"struct_ops map '{map.Name}': member '{member.Name}' is {localSize} bytes in the object but {kernelSize} bytes in the kernel's struct {ops.TypeName}");
            bytes.CopyTo(value.AsSpan(at));
        }
        return value;
    }

    /// <summary>
    /// Writes element 0 of a link map (registered later by its link). A map without BPF_F_LINK would be registered by
    /// that write, and stay registered after this process closes it, so its value waits for AsStructOps().Attach().
    /// </summary>
    public void Fill(MapSpec map, BpfMap created, BtfSpec local, IReadOnlyDictionary<string, BpfProgram> programs)
    {
        var value = KernelValue(map, local, programs);
        if (!map.StructOps!.IsLink)
        {
            created.StructOpsValue = value;
            return;
        }
        Span<byte> key = stackalloc byte[4];
        key.Clear();
        try
        {
            created.Update(key, value);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfLoadException($"struct_ops map '{map.Name}' (struct {map.StructOps.TypeName}) was refused by the kernel when its operations were set: {e.Message}", e);
        }
    }

    /// <summary>The message for a struct_ops program the kernel refused to load.</summary>
    public static string Refused(string program, StructOpsProgramTarget target, BpfSyscallException e) =>
        $"struct_ops map '{target.Map}' (struct {target.StructName}): the kernel refused the struct_ops program '{program}' for member '{target.Member}' " +
        $"(errno {e.Errno} {e.ErrnoName}{(e is BpfVerifierException v && v.Log.Contains("processed 0 insns") ? ", before verifying any instruction" : "")}). " +
        (e.Errno == SyscallErrno.ENOTSUPP
            ? $"ENOTSUPP here means the kernel does not let BPF implement member '{target.Member}' of struct {target.StructName} (its struct_ops check_member refused it, as tcp_congestion_ops does for get_info), or it cannot build the BPF trampoline struct_ops programs run through; leave the member unset or implement it in a kernel module."
            : e.Message);
}
