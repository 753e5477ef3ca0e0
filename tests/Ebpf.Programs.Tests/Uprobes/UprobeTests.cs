using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Uprobes;

/// <summary>
/// Uprobes on gcc-built programs: calls counted and arguments and return values summed by clang programs
/// (fixtures/uprobes.c) in maps, for a PIE, a position-dependent executable and a shared library.
/// </summary>
public class UprobeTests(TargetBinaries binaries) : IClassFixture<TargetBinaries>
{
    private const int N = 1000;
    private static readonly ulong AddSum = (ulong)(N * (N - 1) / 2 + 3 * N); // add(i, 3) for i < N

    private static BpfObject Load() => BpfObject.Load(Fixtures.Path("uprobes"));

    [KernelTheory]
    [InlineData("target")]
    [InlineData("nopie")]
    public void A_uprobe_counts_every_call_and_sees_the_arguments(string binary)
    {
        using var bpf = Load();
        using (var link = bpf.Programs["on_entry"].AsUprobe().Attach(binaries.Path(binary), "add"))
        {
            Assert.False(link.IsReturnProbe);
            binaries.Run(binary, N);
        }
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
        Assert.Equal(AddSum, Counters.Read(bpf.Maps["sums"], 0));
        Assert.Equal(0UL, Counters.Read(bpf.Maps["calls"], 1));

        // Detached on Dispose: another run is not seen.
        binaries.Run(binary, N);
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
    }

    [KernelFact]
    public void A_uretprobe_sees_every_return_value()
    {
        using var bpf = Load();
        using (var link = bpf.Programs["on_return"].AsUprobe().Attach(binaries.Path("target"), "add"))
        {
            Assert.True(link.IsReturnProbe); // from the section
            binaries.Run("target", N);
        }
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 1));
        Assert.Equal(AddSum, Counters.Read(bpf.Maps["sums"], 1));
    }

    [KernelFact]
    public void Retprobe_can_be_chosen_at_attach()
    {
        using var bpf = Load();
        using (bpf.Programs["on_return"].AsUprobe().Attach(binaries.Path("target"), "sub", retprobe: true))
        using (bpf.Programs["on_entry"].AsUprobe().Attach(binaries.Path("target"), "add", retprobe: false))
            binaries.Run("target", N);
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 1));
        Assert.Equal(unchecked((ulong)(N * (N - 1) / 2 - N)), Counters.Read(bpf.Maps["sums"], 1)); // sub(i, 1) = i - 1
    }

    [KernelFact]
    public void A_function_in_a_shared_library_is_probed_at_its_file_offset()
    {
        using var bpf = Load();
        var library = binaries.Path("libtarget.so");
        using (bpf.Programs["on_entry"].AsUprobe().Attach(library, "lib_mul"))
        using (bpf.Programs["on_return"].AsUprobe().Attach(library, "lib_mul"))
            binaries.Run("libcaller", N);
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
        Assert.Equal((ulong)(N * (N - 1) / 2 + 2 * N), Counters.Read(bpf.Maps["sums"], 0)); // a + b = i + 2
        Assert.Equal((ulong)(N * (N - 1)), Counters.Read(bpf.Maps["sums"], 1));            // lib_mul(i, 2) = 2i
    }

    [KernelFact]
    public void A_library_is_found_by_name_through_LD_LIBRARY_PATH_and_the_ld_so_cache()
    {
        Assert.Equal("/", Path.GetPathRoot(BinaryLocator.Resolve("libc.so.6"))); // from /etc/ld.so.cache or a standard directory
        var saved = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", binaries.Directory);
        try { Assert.Equal(binaries.Path("libtarget.so"), BinaryLocator.Resolve("libtarget.so")); }
        finally { Environment.SetEnvironmentVariable("LD_LIBRARY_PATH", saved); }
        var e = Assert.Throws<BpfException>(() => BinaryLocator.Resolve("libnothere-ebpf.so.9"));
        Assert.Contains("libnothere-ebpf.so.9", e.Message);
    }

    [KernelFact]
    public void A_sleepable_uprobe_runs_on_every_call()
    {
        using var bpf = Load();
        using (bpf.Programs["on_entry_sleepable"].AsUprobe().Attach(binaries.Path("target"), "add"))
            binaries.Run("target", N);
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["sums"], 3));
    }

    [KernelFact]
    public void Uprobe_multi_probes_two_functions_with_one_link_and_a_cookie_each()
    {
        using var bpf = Load();
        using (var link = bpf.Programs["on_multi"].AsUprobe().AttachMany(binaries.Path("target"), ["add", "sub"], cookies: [1, 1000]))
        {
            Assert.Single(link.Links);
            Assert.Equal(BpfLinkType.UprobeMulti, link.Links[0].Info.Type);
            binaries.Run("target", N);
        }
        Assert.Equal((ulong)(2 * N), Counters.Read(bpf.Maps["calls"], 2));
        Assert.Equal((ulong)(N * 1 + N * 1000), Counters.Read(bpf.Maps["sums"], 2));
    }

    [KernelFact]
    public void Uretprobe_multi_counts_returns_of_both_functions()
    {
        using var bpf = Load();
        using (bpf.Programs["on_multi_return"].AsUprobe().AttachMany(binaries.Path("target"), "add", "sub"))
            binaries.Run("target", N);
        Assert.Equal((ulong)(2 * N), Counters.Read(bpf.Maps["calls"], 3));
    }

    [KernelFact]
    public void A_probe_for_another_process_does_not_see_this_binary_run()
    {
        using var bpf = Load();
        using (bpf.Programs["on_entry"].AsUprobe().Attach(binaries.Path("target"), "add", pid: Environment.ProcessId))
            binaries.Run("target", N);
        Assert.Equal(0UL, Counters.Read(bpf.Maps["calls"], 0));
    }

    [KernelFact]
    public void Attaching_by_file_offset_and_by_symbol_plus_offset_hits_the_same_place()
    {
        using var bpf = Load();
        var offset = Object.Elf.ElfBinary.Read(binaries.Path("target")).FunctionOffset("add");
        using (bpf.Programs["on_entry"].AsUprobe().Attach(binaries.Path("target"), offset))
            binaries.Run("target", N);
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
        Assert.Equal(AddSum, Counters.Read(bpf.Maps["sums"], 0));
    }

    [KernelFact]
    public void A_missing_function_names_the_program_binary_and_close_matches()
    {
        using var bpf = Load();
        var e = Assert.Throws<BpfException>(() => bpf.Programs["on_entry"].AsUprobe().Attach(binaries.Path("target"), "ad"));
        Assert.Contains("'ad' not found", e.Message);
        Assert.Contains("'add'", e.Message);
        Assert.Contains(binaries.Path("target"), e.Message);
    }

    [KernelFact]
    public void A_link_is_pinnable_and_the_pin_keeps_the_probe()
    {
        using var bpf = Load();
        var pin = $"/sys/fs/bpf/ebpf-uprobe-{Guid.NewGuid():n}";
        uint id;
        try
        {
            using (var link = bpf.Programs["on_entry"].AsUprobe().Attach(binaries.Path("target"), "add"))
            {
                link.Pin(pin);
                id = link.Links[0].Info.Id;
            }
            binaries.Run("target", N);
            Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
        }
        finally { File.Delete(pin); }
        // Removing the last pin releases the link from a kernel work item, after unlink returns.
        Assert.True(BpfLinks.Gone(id), $"link {id} is still there 5 s after its pin was removed");
        binaries.Run("target", N);
        Assert.Equal((ulong)N, Counters.Read(bpf.Maps["calls"], 0));
    }

    [KernelFact]
    public void A_thousand_attach_and_dispose_cycles_leak_no_descriptor_and_leave_no_link()
    {
        using var bpf = Load();
        var uprobe = bpf.Programs["on_entry"].AsUprobe();
        var path = binaries.Path("target");
        using (uprobe.Attach(path, "add")) { } // warm up: lazily opened files and caches
        var before = BpfLinks.OpenFds();
        uint lastId = 0;
        for (var i = 0; i < 1000; i++)
        {
            using var link = uprobe.Attach(path, "add");
            if (i == 999) lastId = link.Links[0].Info.Id;
        }
        // Tests of other classes run meanwhile and open or close some descriptors (their network labs' sockets and namespace
        // handles among them); a leak would show as about 1,000.
        Assert.InRange(BpfLinks.OpenFds(), 0, before + 64);
        Assert.Throws<BpfSyscallException>(() => BpfSyscall.GetFdById(BpfObjectKind.Link, lastId).Dispose());
    }
}
