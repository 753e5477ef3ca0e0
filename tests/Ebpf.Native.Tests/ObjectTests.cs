using Ebpf.Object;

namespace Ebpf.Native.Tests;

public class ObjectTests
{
    [KernelFact]
    public void Pin_and_get_round_trip_and_double_pin_names_the_path()
    {
        using var dir = new BpffsDirectory();
        using var map = Programs.Map(BpfMapType.Hash, 4, 8, 8, "pinned");
        BpfSyscall.MapUpdateElem(map, Programs.U32(1), Programs.U64(99));
        string path = dir["pinned_map"];
        BpfSyscall.ObjPin(map, path);
        Assert.True(File.Exists(path));

        using (var any = BpfSyscall.ObjGet(path))
            Assert.Equal(BpfObjectKind.Map, any.Kind);
        using (var again = BpfSyscall.ObjGetMap(path))
        {
            Assert.Equal(8, again.ValueSize);
            Assert.Equal(BpfMapType.Hash, again.Type);
            var value = new byte[8];
            Assert.True(BpfSyscall.MapLookupElem(again, Programs.U32(1), value));
            Assert.Equal(99ul, BitConverter.ToUInt64(value));
            Assert.Equal(BpfSyscall.GetMapInfo(map).Id, BpfSyscall.GetMapInfo(again).Id);
        }

        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.ObjPin(map, path));
        Assert.Equal("EEXIST", ex.ErrnoName);
        Assert.Contains(path, ex.Message);
        Assert.Contains("already pinned", ex.Message);

        using var prog = Programs.SocketFilter(1, "pinned_prog");
        BpfSyscall.ObjPin(prog, dir["prog"]);
        using (var p = BpfSyscall.ObjGetProgram(dir["prog"]))
            Assert.Equal(BpfProgramType.SocketFilter, p.Type);
        var wrong = Assert.Throws<BpfException>(() => BpfSyscall.ObjGetMap(dir["prog"]));
        Assert.Contains("is a program, not a map", wrong.Message);
    }

    [KernelFact]
    public void Obj_get_of_a_missing_path_names_it()
    {
        BpffsDirectory.EnsureMounted();
        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.ObjGet("/sys/fs/bpf/does-not-exist-ebpf-native"));
        Assert.Equal("ENOENT", ex.ErrnoName);
        Assert.Equal(BpfCommand.ObjGet, ex.Command);
        Assert.Contains("BPF_OBJ_GET for path '/sys/fs/bpf/does-not-exist-ebpf-native' failed: ENOENT", ex.Message);
    }

    [KernelFact]
    public void Next_id_enumerates_what_was_created_and_fd_by_id_round_trips()
    {
        using var map = Programs.Map(BpfMapType.Array, 4, 8, 2, "by_id");
        using var prog = Programs.SocketFilter(1, "by_id_prog");
        uint mapId = BpfSyscall.GetMapInfo(map).Id, progId = BpfSyscall.GetProgramInfo(prog).Id;
        Assert.Contains(mapId, BpfSyscall.GetIds(BpfObjectKind.Map));
        Assert.Contains(progId, BpfSyscall.GetIds(BpfObjectKind.Program));
        Assert.Null(BpfSyscall.GetNextId(BpfObjectKind.Map, int.MaxValue - 1));

        using var map2 = BpfSyscall.MapGetFdById(mapId);
        Assert.Equal("by_id", map2.Name);
        Assert.Equal(mapId, BpfSyscall.GetMapInfo(map2).Id);
        Assert.Equal(8, map2.ValueSize);
        using var prog2 = BpfSyscall.ProgGetFdById(progId);
        Assert.Equal(BpfProgramType.SocketFilter, prog2.Type);
        Assert.Equal("by_id_prog", BpfSyscall.GetProgramInfo(prog2).Name);

        using var dup = map.Duplicate();
        Assert.IsType<BpfMapFd>(dup);
        Assert.NotEqual(map.Fd, dup.Fd);
        Assert.Equal(mapId, BpfSyscall.GetMapInfo((BpfMapFd)dup).Id);

        var ex = Assert.Throws<BpfSyscallException>(() => BpfSyscall.MapGetFdById(uint.MaxValue - 1));
        Assert.Equal("ENOENT", ex.ErrnoName);
        Assert.Contains("BPF_MAP_GET_FD_BY_ID", ex.Message);
    }

    [KernelFact]
    public void Kernel_btf_is_enumerable_and_named_vmlinux()
    {
        bool found = false;
        foreach (uint id in BpfSyscall.GetIds(BpfObjectKind.Btf))
        {
            using var btf = BpfSyscall.BtfGetFdById(id);
            var info = BpfSyscall.GetBtfInfo(btf);
            if (info.IsKernel && info.Name == "vmlinux") { found = true; Assert.True(info.Size > 1_000_000); break; }
        }
        Assert.True(found);
    }

    [KernelFact]
    public void Btf_of_a_fixture_is_refused_for_its_unsized_datasec_with_the_log()
    {
        // clang leaves DATASEC sizes 0 for the loader to fill in; the kernel's log names the type.
        byte[] raw = BpfObjectFile.Read(Fixtures.Path("cgroup_skb")).Btf!.ToBytes();
        var ex = Assert.Throws<BpfVerifierException>(() => BpfSyscall.BtfLoad(raw, name: "cgroup_skb"));
        Assert.Contains("DATASEC .maps size=0", ex.Log);
        Assert.Contains("DATASEC .maps size=0", ex.Message);
        Assert.Contains("for BTF 'cgroup_skb'", ex.Message);
    }

    [KernelFact]
    public void Btf_of_a_fixture_loads_once_datasec_sizes_are_set_and_reports_its_size()
    {
        byte[] raw = FixDatasecSizes(BpfObjectFile.Read(Fixtures.Path("cgroup_skb")).Btf!.ToBytes());
        using var btf = BpfSyscall.BtfLoad(raw, name: "cgroup_skb");
        var info = BpfSyscall.GetBtfInfo(btf);
        Assert.Equal((uint)raw.Length, info.Size);
        Assert.False(info.IsKernel);
        Assert.True(info.Id > 0);
    }

    [KernelFact]
    public void Handmade_btf_loads_and_a_broken_one_gives_the_kernel_log()
    {
        using (var ok = BpfSyscall.BtfLoad(HandmadeBtf(bits: 32)))
            Assert.True(BpfSyscall.GetBtfInfo(ok).Id > 0);
        var ex = Assert.Throws<BpfVerifierException>(() => BpfSyscall.BtfLoad(HandmadeBtf(bits: 64), name: "broken"));
        Assert.Equal(BpfCommand.BtfLoad, ex.Command);
        Assert.Contains("BPF_BTF_LOAD for BTF 'broken' failed: EINVAL", ex.Message);
        Assert.Contains("[1] INT", ex.Log);
    }

    // Lays out each DATASEC's variables one after another (8-byte aligned) and sets its size, standing in for what a
    // loader does from the ELF symbols (clang leaves both 0). Raw BTF walk, little-endian.
    private static byte[] FixDatasecSizes(byte[] btf)
    {
        var span = btf.AsSpan();
        int hdrLen = BitConverter.ToInt32(btf, 4), typeOff = BitConverter.ToInt32(btf, 8), typeLen = BitConverter.ToInt32(btf, 12);
        int pos = hdrLen + typeOff, end = pos + typeLen;
        while (pos < end)
        {
            uint info = BitConverter.ToUInt32(btf, pos + 4);
            int kind = (int)(info >> 24) & 0x1f, vlen = (int)(info & 0xffff);
            int trailing = kind switch
            {
                1 or 14 or 17 => 4,                 // INT, VAR, DECL_TAG
                3 => 12,                            // ARRAY
                4 or 5 or 15 or 19 => 12 * vlen,    // STRUCT, UNION, DATASEC, ENUM64
                6 or 13 => 8 * vlen,                // ENUM, FUNC_PROTO
                _ => 0,
            };
            if (kind == 15)
            {
                uint size = 0;
                for (int i = 0; i < vlen; i++)
                {
                    int e = pos + 12 + 12 * i;
                    BitConverter.TryWriteBytes(span[(e + 4)..], size);
                    size = (size + BitConverter.ToUInt32(btf, e + 8) + 7) & ~7u;
                }
                BitConverter.TryWriteBytes(span[(pos + 8)..], size);
            }
            pos += 12 + trailing;
        }
        return btf;
    }

    // One INT type "int" of 4 bytes; 64 bits in 4 bytes is refused ("nr_bits exceeds type_size").
    private static byte[] HandmadeBtf(int bits)
    {
        byte[] strings = "\0int\0"u8.ToArray();
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write((ushort)0xEB9F); w.Write((byte)1); w.Write((byte)0);
        w.Write(24u); w.Write(0u); w.Write(16u); w.Write(16u); w.Write((uint)strings.Length);
        w.Write(1u); w.Write(1u << 24); w.Write(4u); w.Write((1u << 24) | (uint)bits);
        w.Write(strings);
        return ms.ToArray();
    }
}
