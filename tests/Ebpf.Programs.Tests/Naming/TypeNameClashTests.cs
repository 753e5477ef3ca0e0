using System.Reflection;
using Ebpf.Kernel;

namespace Ebpf.Programs.Tests.Naming;

/// <summary>
/// A project that writes its programs and loads them imports both sides (<c>using Ebpf; using Ebpf.Kernel;</c>): a simple
/// type name public on both makes each use ambiguous (CS0104), or silently picks the user side inside namespaces under
/// Ebpf, and forces aliases. So no public type name may be on both sides.
/// </summary>
public class TypeNameClashTests
{
    [Fact]
    public void No_public_type_name_is_both_in_the_kernel_side_library_and_in_the_user_side_assemblies()
    {
        var userSide = UserSide().ToList();
        // The walk must reach the assemblies a user project gets with the runtime, or it would check nothing.
        Assert.Superset(new HashSet<string> { "Ebpf.Runtime", "Ebpf.Core", "Ebpf.Native", "Ebpf.Object" }, userSide.Select(a => a.GetName().Name!).ToHashSet());

        var clashes = Clashes(typeof(KernelMap).Assembly, userSide);

        Assert.True(clashes.Count == 0, "rename one type of each pair (the one DESIGN.md does not fix): " + string.Join("; ", clashes));
    }

    [Fact]
    public void The_check_finds_a_clash_when_there_is_one()
    {
        var kernel = typeof(KernelMap).Assembly;

        Assert.Contains(Clashes(kernel, [kernel]), c => c.StartsWith("Ebpf.Kernel.KernelMap and ", StringComparison.Ordinal));
    }

    /// <summary>Pairs of top-level public types with the same name and generic arity (HashMap`2 and HashMap do not clash in C#).</summary>
    private static List<string> Clashes(Assembly kernel, IEnumerable<Assembly> userSide)
    {
        var kernelTypes = TopLevel(kernel).ToDictionary(t => t.Name);
        return userSide.SelectMany(TopLevel)
            .Where(t => kernelTypes.ContainsKey(t.Name))
            .Select(t => $"{kernelTypes[t.Name].FullName} and {t.FullName} ({t.Assembly.GetName().Name})")
            .ToList();
    }

    private static IEnumerable<Type> TopLevel(Assembly assembly) => assembly.GetExportedTypes().Where(t => !t.IsNested);

    /// <summary>Ebpf.Runtime and every Ebpf assembly it references, directly or not (Core, Native, Object, Asm).</summary>
    private static IEnumerable<Assembly> UserSide()
    {
        var seen = new HashSet<string>();
        var pending = new Queue<Assembly>([typeof(BpfObject).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!)) continue;
            yield return assembly;
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Ebpf.", StringComparison.Ordinal)))
                pending.Enqueue(Assembly.Load(reference));
        }
    }
}
