using System.Collections.Concurrent;
using System.Reflection;
using Ebpf.Compiler.CodeGen;

namespace Ebpf;

/// <summary>
/// <c>BpfObject.Load&lt;TPrograms&gt;()</c>: loads the BPF object of a C# class of programs. It takes the object embedded in the
/// class's assembly (resource "&lt;full type name&gt;.bpf.o") or a file of that name beside the assembly when the build made one;
/// otherwise it compiles the class now, once per process. Build-time compilation and embedding come with the MSBuild target.
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
    public static byte[] ObjectOf(Type programs) => Compiled.GetOrAdd(programs, static t => Find(t) ?? ProgramCompiler.Compile(t));

    private static byte[]? Find(Type programs)
    {
        var name = programs.FullName + ".bpf.o";
        using (var stream = programs.Assembly.GetManifestResourceStream(name))
            if (stream is not null)
            {
                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                return bytes;
            }
        var beside = Path.Combine(Path.GetDirectoryName(programs.Assembly.Location) ?? ".", name);
        return File.Exists(beside) && File.GetLastWriteTimeUtc(beside) >= File.GetLastWriteTimeUtc(programs.Assembly.Location)
            ? File.ReadAllBytes(beside) : null; // an object older than the assembly would be stale
    }
}
