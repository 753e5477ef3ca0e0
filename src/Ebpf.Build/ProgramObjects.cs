using System.Collections.Concurrent;
using System.Reflection;
using Ebpf.Compiler.CodeGen;

namespace Ebpf;

/// <summary>
/// <c>BpfObject.Load&lt;TPrograms&gt;()</c>: loads the BPF object of a C# class of programs. It takes the object the build made:
/// embedded in the class's assembly as the resource "&lt;full type name&gt;.bpf.o" (what build/Ebpf.Build.targets does on
/// <c>dotnet build</c>), or a file of that name beside the assembly; otherwise it compiles the class now, once per process.
/// </summary>
public static class ProgramObjects
{
    private static readonly ConcurrentDictionary<Type, byte[]> Compiled = new();

    extension(BpfObject)
    {
        /// <summary>C# forbids static classes as type arguments: a class used here is a (sealed) non-static class with static members.</summary>
        public static BpfObject Load<TPrograms>(BpfLoadOptions? options = null) => BpfObject.Load(ObjectOf(typeof(TPrograms)), options);

        /// <summary>The same for any class, static ones included: <c>BpfObject.Load(typeof(Firewall))</c>.</summary>
        public static BpfObject Load(Type programs, BpfLoadOptions? options = null) => BpfObject.Load(ObjectOf(programs), options);
    }

    /// <summary>The object bytes for a class of programs: embedded, beside the assembly, or compiled now.</summary>
    public static byte[] ObjectOf(Type programs) => Compiled.GetOrAdd(programs, static t => Prebuilt(t) ?? ProgramCompiler.Compile(t));

    /// <summary>
    /// The object the build made for a class of programs (embedded, else beside the assembly), or null when there is none and
    /// <see cref="ObjectOf"/> would compile at run time: a deployment can check that its programs came with it.
    /// </summary>
    public static byte[]? Prebuilt(Type programs)
    {
        var name = programs.FullName + ".bpf.o";
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
        return File.Exists(beside) && File.GetLastWriteTimeUtc(beside) >= File.GetLastWriteTimeUtc(programs.Assembly.Location)
            ? File.ReadAllBytes(beside) : null; // an object older than the assembly would be stale
    }
}
