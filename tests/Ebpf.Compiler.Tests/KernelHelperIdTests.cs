using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

// The helper ids the lowering emits by itself (map lookups of the intrinsics, probe reads of CO-RE, printk, the log ring
// buffer...) against the kernel-side library's [Helper] declarations and the running kernel's enum bpf_func_id.
public sealed class KernelHelperIdTests
{
    /// <summary>Every [Helper] of the library, found here without the compiler's code.</summary>
    private static List<(string Member, HelperAttribute Helper)> Declarations() =>
        typeof(HelperAttribute).Assembly.GetTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Member: $"{m.DeclaringType!.Name}.{m.Name}", Helper: m.GetCustomAttribute<HelperAttribute>()))
            .Where(x => x.Helper is not null)
            .Select(x => (x.Member, x.Helper!))
            .ToList();

    private static IReadOnlyDictionary<string, int> LoweringIds()
    {
        RuntimeHelpers.RunClassConstructor(typeof(KernelHelpers).TypeHandle); // every id the lowering holds is looked up
        return KernelHelpers.Used;
    }

    [Fact]
    public void Each_id_the_lowering_uses_is_the_one_its_Helper_declaration_gives()
    {
        var used = LoweringIds();
        Assert.True(used.Count >= 20, $"the lowering names only {used.Count} helpers");
        var problems = new StringBuilder();
        foreach (var (member, helper) in Declarations())
            if (used.TryGetValue(helper.Name, out var id) && id != helper.Id)
                problems.AppendLine($"{member} declares {helper.Name} as {helper.Id}, the lowering calls {id}");
        Assert.True(problems.Length == 0, problems.ToString());
    }

    [Fact]
    public void Helpers_listed_outside_the_library_are_the_ones_no_member_declares()
    {
        var declared = Declarations().Select(d => d.Helper.Name).ToHashSet();
        Assert.All(KernelHelpers.Undeclared.Keys, name => Assert.DoesNotContain(name, declared)); // a declared one must come from its declaration
        var fields = typeof(KernelHelpers).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(int)).ToList();
        Assert.All(fields, f => Assert.Contains((int)f.GetValue(null)!, LoweringIds().Values));
    }

    [Fact]
    public void Packet_safe_helpers_are_named_helpers()
    {
        Assert.All(KernelHelpers.PacketSafe, id => Assert.Contains(id, LoweringIds().Values));
        Assert.Contains(KernelHelpers.MapLookupElem, KernelHelpers.PacketSafe);
        Assert.DoesNotContain(KernelHelpers.SkbStoreBytes, KernelHelpers.PacketSafe); // it changes packet data
    }

    [KernelFact]
    public void Each_id_the_lowering_uses_matches_enum_bpf_func_id()
    {
        var problems = new StringBuilder();
        foreach (var (name, id) in LoweringIds())
        {
            var kernel = KernelFunctionIds().TryGetValue("BPF_FUNC_" + name, out var value) ? value : (int?)null;
            if (kernel is null) problems.AppendLine($"BPF_FUNC_{name} is not in this kernel");
            else if (kernel != id) problems.AppendLine($"BPF_FUNC_{name} is {kernel}, the lowering calls {id}");
        }
        Assert.True(problems.Length == 0, problems.ToString());
    }

    /// <summary>enum bpf_func_id of the running kernel, from bpftool's dump of /sys/kernel/btf/vmlinux.</summary>
    private static Dictionary<string, int> KernelFunctionIds()
    {
        var start = new ProcessStartInfo("bpftool", "btf dump file /sys/kernel/btf/vmlinux format raw") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bpftool = Process.Start(start) ?? throw new InvalidOperationException("bpftool did not start");
        var errors = bpftool.StandardError.ReadToEndAsync();
        var dump = bpftool.StandardOutput.ReadToEnd();
        bpftool.WaitForExit();
        Assert.True(bpftool.ExitCode == 0, $"bpftool failed: {errors.Result}");
        return Regex.Matches(dump, @"^\s+'(BPF_FUNC_\w+)' val=(\d+)", RegexOptions.Multiline)
            .GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => int.Parse(g.First().Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
