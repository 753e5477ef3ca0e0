using System.Text.Json;
using System.Text.RegularExpressions;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.CoRe;

/// <summary>
/// The strongest check: libbpf (through bpftool) loads core.o and applies CO-RE its way, we load it ours, and the
/// kernel's translated instructions of both programs must be the same, instruction for instruction.
/// </summary>
public partial class CoReLibbpfParityTests
{
    [KernelFact]
    public void Core_o_translates_exactly_as_when_libbpf_loads_it()
    {
        var dir = $"/sys/fs/bpf/ebpf-core-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(dir);
        try
        {
            var libbpfPin = Path.Combine(dir, "libbpf");
            var ourPin = Path.Combine(dir, "ours");
            Bpftool.Run("prog", "load", Fixtures.Path("core"), libbpfPin);
            using (var bpf = BpfObject.Load(Fixtures.Path("core")))
                bpf.Programs["on_switch"].Pin(ourPin);

            var theirs = Xlated(libbpfPin);
            var ours = Xlated(ourPin);
            Assert.True(theirs.Count > 40, $"bpftool printed {theirs.Count} instructions");
            Assert.Equal(theirs, ours);
            // and CO-RE did change something: the compiled-in offset of next->real_parent (24) is not the kernel's
            Assert.DoesNotContain("(b7) r2 = 24", ours);
        }
        finally
        {
            foreach (var f in Directory.EnumerateFiles(dir)) File.Delete(f);
            Directory.Delete(dir);
        }
    }

    /// <summary>bpftool's xlated text of each instruction; map ids differ between the two loads and are masked.</summary>
    private static List<string> Xlated(string pin)
    {
        using var json = JsonDocument.Parse(Bpftool.Run("-j", "prog", "dump", "xlated", "pinned", pin));
        return [.. json.RootElement.EnumerateArray().Select(i => MapId().Replace(i.GetProperty("disasm").GetString()!, "map[id:*]"))];
    }

    [GeneratedRegex(@"map\[id:\d+\]")]
    private static partial Regex MapId();
}
