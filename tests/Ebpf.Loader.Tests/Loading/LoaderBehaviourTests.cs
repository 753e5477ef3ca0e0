using System.Buffers.Binary;
using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

[Collection(nameof(DescriptorCount))]
public class LoaderBehaviourTests
{
    /// <summary>A 64-byte Ethernet + IPv4 frame, enough for socket filters and skb programs under test run.</summary>
    internal static byte[] Packet(int length = 64)
    {
        var p = new byte[length];
        p[12] = 0x08; p[13] = 0x00;              // ethertype IPv4
        p[14] = 0x45;                            // version 4, IHL 5
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(16), (ushort)(length - 14));
        p[22] = 64; p[23] = 17;                  // TTL, UDP
        p[26] = 10; p[29] = 1; p[30] = 10; p[33] = 2;
        return p;
    }

    [KernelFact]
    public void A_rodata_constant_set_before_load_changes_the_result()
    {
        using (var plain = BpfObject.Load(Fixtures.Path("global_data")))
            Assert.Equal(1048582u, plain.Programs["use_globals"].TestRun(Packet()).ReturnValue); // limit (1 << 20) + static_data after ++

        using var tuned = BpfObject.Load(Fixtures.Path("global_data"), new BpfLoadOptions().SetVariable("ro_threshold", 10u));
        Assert.Equal(99u, tuned.Programs["use_globals"].TestRun(Packet()).ReturnValue); // len 64 > 10: data_small + 'f'
        using var rodata = tuned.GlobalData(".rodata");
        Assert.Equal(10u, rodata.Get<uint>("ro_threshold"));
        Assert.Throws<BpfException>(() => rodata.Set("ro_threshold", 1u));
    }

    [KernelFact]
    public void Data_and_bss_are_read_and_written_through_memory_the_program_sees()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("global_data"));
        using var data = bpf.GlobalData(".data");
        using var bss = bpf.GlobalData(".bss");
        Assert.Equal(7UL, data.Get<ulong>("data_counter"));
        var program = bpf.Programs["use_globals"];
        program.TestRun(Packet(), repeat: 3);
        Assert.Equal(10UL, data.Get<ulong>("data_counter"));      // 7 + 3 runs
        Assert.Equal(3UL * 50, bss.Get<ulong>("bss_total"));     // skb->len per run: the frame less its Ethernet header

        data.Set("static_data", 100u);                           // the program returns limit + static_data
        Assert.Equal((1u << 20) + 101u, program.TestRun(Packet()).ReturnValue);
        var e = Assert.Throws<BpfException>(() => data.Get<byte>("data_counter"));
        Assert.Contains("8 bytes", e.Message);
    }

    [KernelFact]
    public void Setting_an_unknown_variable_or_the_wrong_size_is_refused()
    {
        var unknown = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("global_data"), new BpfLoadOptions().SetVariable("nope", 1)));
        Assert.Contains("ro_threshold", unknown.Message);
        var size = Assert.Throws<BpfLoadException>(() => BpfObject.Load(Fixtures.Path("global_data"), new BpfLoadOptions().SetVariable("ro_threshold", 1L)));
        Assert.Contains("4 bytes", size.Message);
    }

    [KernelFact]
    public void Refused_program_carries_the_log_and_the_source_line()
    {
        var e = Assert.Throws<BpfProgramRejectedException>(() =>
            BpfObject.Load(Fixtures.Path("isa"), new BpfLoadOptions { Programs = ["all_instructions"] }));
        Assert.Equal("all_instructions", e.Program);
        Assert.Contains("R2 !read_ok", e.Log);
        Assert.NotNull(e.Instruction);
        Assert.StartsWith("isa.c:", e.SourceLine);
        Assert.Contains(e.SourceLine!, e.Message);
    }

    [KernelFact]
    public void Counters_of_the_seed_program_count_test_runs()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"));
        var program = bpf.Programs["count_egress"];
        Assert.Equal(BpfAttachType.CgroupInetEgress, program.ExpectedAttachType);
        var result = program.TestRun(Packet(100), repeat: 5);
        Assert.Equal(1u, result.ReturnValue);
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(key, 1);
        Assert.True(bpf.Maps["traffic"].TryLookup(key, value));
        Assert.Equal(5UL, BinaryPrimitives.ReadUInt64LittleEndian(value));
        Assert.Equal(5UL * 86, BinaryPrimitives.ReadUInt64LittleEndian(value[8..]));
    }

    [KernelFact]
    public void Map_in_map_and_program_array_slots_are_filled_at_load()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("map_in_map"));
        Span<byte> key = stackalloc byte[4];
        Span<byte> id = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, 0);
        Assert.True(bpf.Maps["outer_array"].TryLookup(key, id));
        Assert.Equal(bpf.Maps["inner_a"].Info.Id, BinaryPrimitives.ReadUInt32LittleEndian(id));
        BinaryPrimitives.WriteUInt32LittleEndian(key, 1);
        Assert.False(bpf.Maps["outer_array"].TryLookup(key, id));
        BinaryPrimitives.WriteUInt32LittleEndian(key, 1);
        Assert.True(bpf.Maps["jump_table"].TryLookup(key, id));
        Assert.Equal(bpf.Programs["tail_target"].Info.Id, BinaryPrimitives.ReadUInt32LittleEndian(id));
    }

    [KernelFact]
    public void Pinned_by_name_maps_are_reused_and_a_mismatch_is_refused_with_the_field()
    {
        var dir = BpfFs.NewDirectory();
        try
        {
            var options = new BpfLoadOptions { PinDirectory = dir };
            uint id;
            using (var first = BpfObject.Load(Fixtures.Path("map_in_map"), options))
                id = first.Maps["pinned_lru"].Info.Id;
            Assert.True(File.Exists(Path.Combine(dir, "pinned_lru")));
            using (var second = BpfObject.Load(Fixtures.Path("map_in_map"), options))
                Assert.Equal(id, second.Maps["pinned_lru"].Info.Id);

            File.Delete(Path.Combine(dir, "pinned_lru"));
            using (var other = BpfMap.Create(BpfMapType.LruHash, 4, 8, 64))
                other.Pin(Path.Combine(dir, "pinned_lru"));
            var e = Assert.Throws<BpfPinnedMapMismatchException>(() => BpfObject.Load(Fixtures.Path("map_in_map"), options));
            Assert.Equal("max_entries", e.Field);
            Assert.Contains("128", e.Message);
            Assert.Contains("64", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [KernelFact]
    public void Loading_and_disposing_a_thousand_objects_leaks_no_descriptor()
    {
        var spec = Object.BpfObjectFile.Read(Fixtures.Path("global_data"));
        DescriptorCount.Check(times => LoadAndDispose(spec, times), 1000);
    }

    private static void LoadAndDispose(Object.BpfObjectFile spec, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var bpf = BpfObject.Load(spec);
            if (i % 10 == 0)
                _ = bpf.GlobalData(".data").Get<ulong>("data_counter"); // mappings are released with the object too
        }
    }
}

/// <summary>Counts this process's descriptors around an action; runs alone so no other test opens descriptors meanwhile.</summary>
[CollectionDefinition(nameof(DescriptorCount), DisableParallelization = true)]
public sealed class DescriptorCount
{
    public static void Check(Action<int> action, int times)
    {
        action(1); // warm up lazy state (kernel BTF, JIT, thread pool) before counting
        // Descriptors other tests left to finalizers must close now, not in the middle of the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = Directory.GetFiles("/proc/self/fd").Length;
        action(times);
        var after = Directory.GetFiles("/proc/self/fd").Length;
        Assert.True(after <= before, $"{after - before} descriptors more than before {times} rounds");
    }
}

/// <summary>A fresh directory on bpffs for pinning tests (bpffs is mounted when missing).</summary>
internal static class BpfFs
{
    public static string NewDirectory()
    {
        if (!File.Exists("/proc/mounts") || !File.ReadAllText("/proc/mounts").Contains(" /sys/fs/bpf bpf "))
            throw new InvalidOperationException("bpffs is not mounted at /sys/fs/bpf: mount -t bpf bpf /sys/fs/bpf");
        var dir = Path.Combine("/sys/fs/bpf", "ebpf-dotnet-test-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}

public class LoadOptionTests
{
    [KernelFact]
    public void Max_entries_can_be_overridden_per_map()
    {
        var options = new BpfLoadOptions();
        options.Map("blocked").MaxEntries = 4096;
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"), options);
        Assert.Equal(4096u, bpf.Maps["blocked"].Info.MaxEntries);
        Assert.Equal(2u, bpf.Maps["traffic"].Info.MaxEntries); // the others keep the object's value
    }

    [KernelFact]
    public void A_log_level_keeps_the_verifier_log_of_a_successful_load()
    {
        using (var quiet = BpfObject.Load(Fixtures.Path("minimal")))
            Assert.Null(quiet.Programs["accept_all"].VerifierLog);
        using var bpf = BpfObject.Load(Fixtures.Path("cgroup_skb"), new BpfLoadOptions { LogLevel = 2 });
        var log = bpf.Programs["filter_egress"].VerifierLog;
        Assert.NotNull(log);
        Assert.Contains("processed", log);     // the verifier's summary line
        Assert.Contains("R1=ctx", log);        // level 2 shows register states
    }
}
