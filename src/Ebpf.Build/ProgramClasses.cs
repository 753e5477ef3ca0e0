using System.Reflection;
using Ebpf.Kernel;

namespace Ebpf.Build;

/// <summary>Finds the classes of BPF programs in a built assembly: classes holding a static method with a program attribute.</summary>
public static class ProgramClasses
{
    /// <summary>Every class of programs in the assembly.</summary>
    public static IReadOnlyList<Type> In(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.OfType<Type>().ToArray();
        }
        return types.Where(t => !t.ContainsGenericParameters && HasPrograms(t)).ToList();
    }

    /// <summary>The class of programs named <paramref name="name"/> (full or short name), or the only one when null.</summary>
    /// <exception cref="BpfException">No such class, none at all, or several and no name to pick one.</exception>
    public static Type Find(Assembly assembly, string? name)
    {
        var candidates = In(assembly);
        if (name is not null)
            return candidates.FirstOrDefault(t => t.FullName == name || t.Name == name)
                ?? throw new BpfException($"{assembly.GetName().Name} has no class of programs named {name}; it has: {string.Join(", ", candidates.Select(t => t.FullName))}");
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new BpfException($"{assembly.GetName().Name} has no method with a program attribute such as [CgroupSkb(CgroupSkbDirection.Egress)]"),
            _ => throw new BpfException($"{assembly.GetName().Name} has several classes of programs; pick one with --type: {string.Join(", ", candidates.Select(t => t.FullName))}"),
        };
    }

    private static bool HasPrograms(Type type)
    {
        try
        {
            return type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                // By attribute type, without constructing it: a bad argument is the compiler's build error to report.
                .Any(m => m.CustomAttributes.Any(a => typeof(ProgramAttribute).IsAssignableFrom(a.AttributeType)));
        }
        catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FileLoadException)
        {
            return false; // a type whose own dependencies are missing uses no program attribute of ours
        }
    }
}
