using System.Collections.Concurrent;

namespace Ebpf;

/// <summary>
/// The BPF objects of C# classes of programs, as the build made them: embedded in the class's assembly as the resource
/// "&lt;full type name&gt;.bpf.o" (what the Ebpf.Kernel build step does on <c>dotnet build</c>), or a file of that name beside
/// the assembly. The runtime carries no compiler: compiling at run time is opt-in, through <see cref="CompileMissingWith"/>
/// (Ebpf.Build's <c>RuntimeCompilation.Enable()</c>).
/// </summary>
public static class EmbeddedObjects
{
    private static readonly ConcurrentDictionary<Type, byte[]> Objects = new();
    private static volatile Func<Type, byte[]>? compiler;

    /// <summary>The object bytes for a class of programs: the build's, else compiled by the opted-in compiler (once per process).</summary>
    /// <exception cref="BpfException">The build embedded no object for the class and no compiler was opted in.</exception>
    public static byte[] ObjectOf(Type programs)
    {
        ArgumentNullException.ThrowIfNull(programs);
        return Objects.GetOrAdd(programs, static t => Find(t) ?? compiler?.Invoke(t) ?? throw new BpfException(
            $"No BPF object was built for '{t.FullName}': the resource '{ResourceName(t)}' is not in {t.Assembly.GetName().Name} and " +
            "no such file is beside it. Reference the Ebpf.Kernel package (its build step compiles and embeds every class with " +
            "program methods on `dotnet build`; EbpfCompile must not be false), or call Ebpf.Build's RuntimeCompilation.Enable() " +
            "to compile at run time."));
    }

    /// <summary>
    /// The object the build made for a class of programs (embedded, else beside the assembly), or null when there is none: a
    /// deployment can check that its programs came with it.
    /// </summary>
    public static byte[]? Find(Type programs)
    {
        ArgumentNullException.ThrowIfNull(programs);
        var name = ResourceName(programs);
        using (var stream = programs.Assembly.GetManifestResourceStream(name))
            if (stream is not null)
            {
                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                return bytes;
            }
        if (programs.Assembly.Location.Length == 0)
            return null; // loaded from bytes: nothing can be beside it
        var beside = Path.Combine(Path.GetDirectoryName(programs.Assembly.Location) ?? ".", name);
        try
        {
            // An object older than the assembly would be stale.
            return File.GetLastWriteTimeUtc(beside) >= File.GetLastWriteTimeUtc(programs.Assembly.Location) ? File.ReadAllBytes(beside) : null;
        }
        catch (FileNotFoundException)
        {
            return null; // GetLastWriteTimeUtc of a missing file is 1601, so only a file removed meanwhile gets here
        }
    }

    /// <summary>The resource (and file) name of a class's object: "&lt;full type name&gt;.bpf.o", as the build step embeds it.</summary>
    public static string ResourceName(Type programs) => programs.FullName + ".bpf.o";

    /// <summary>
    /// Opts in to compiling at run time the classes whose build embedded no object (the compiler lives in the tool chain, so the
    /// runtime cannot call it by itself). Classes already loaded keep their object.
    /// </summary>
    public static void CompileMissingWith(Func<Type, byte[]> compile) => compiler = compile ?? throw new ArgumentNullException(nameof(compile));
}
