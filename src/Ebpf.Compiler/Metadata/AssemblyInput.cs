using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Ebpf.Compiler.Metadata;

/// <summary>
/// A built assembly opened for compilation: its metadata, method bodies, and portable PDB (beside the
/// assembly or embedded) for source lines. Disposing releases the files.
/// </summary>
internal sealed class AssemblyInput : IDisposable
{
    private readonly PEReader _pe;
    private readonly MetadataReaderProvider? _pdbProvider;

    private AssemblyInput(string path, PEReader pe, MetadataReader metadata, MetadataReaderProvider? pdbProvider)
    {
        Path = path; _pe = pe; Metadata = metadata; _pdbProvider = pdbProvider;
        Pdb = pdbProvider?.GetMetadataReader();
    }

    public string Path { get; }
    public MetadataReader Metadata { get; }

    /// <summary>The portable PDB, or null when the assembly was built without one (then no source lines).</summary>
    public MetadataReader? Pdb { get; }

    public static AssemblyInput Open(string path)
    {
        Stream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CompilerException($"{path}: cannot open the assembly: {e.Message}");
        }
        var pe = new PEReader(stream);
        try
        {
            if (!pe.HasMetadata)
                throw new CompilerException($"{path} is not a .NET assembly (it has no metadata)");
            var metadata = pe.GetMetadataReader();
            MetadataReaderProvider? pdb = null;
            if (pe.TryOpenAssociatedPortablePdb(path, p => File.Exists(p) ? File.OpenRead(p) : null, out var provider, out _))
                pdb = provider;
            return new AssemblyInput(path, pe, metadata, pdb);
        }
        catch (BadImageFormatException e)
        {
            pe.Dispose();
            throw new CompilerException($"{path} is not a valid .NET assembly: {e.Message}");
        }
        catch
        {
            pe.Dispose();
            throw;
        }
    }

    /// <summary>The IL bytes of a method with a body.</summary>
    public ReadOnlySpan<byte> GetIL(MethodDefinitionHandle method, out MethodBodyBlock body)
    {
        var definition = Metadata.GetMethodDefinition(method);
        if (definition.RelativeVirtualAddress == 0)
            throw new CompilerException($"{MethodName(method)} has no body (abstract, extern or a P/Invoke) and cannot be compiled to BPF");
        body = _pe.GetMethodBody(definition.RelativeVirtualAddress);
        var reader = body.GetILReader();
        return reader.ReadBytes(reader.Length);
    }

    /// <summary>"Namespace.Type.Method" for messages.</summary>
    public string MethodName(MethodDefinitionHandle method)
    {
        var definition = Metadata.GetMethodDefinition(method);
        var type = Metadata.GetTypeDefinition(definition.GetDeclaringType());
        var ns = Metadata.GetString(type.Namespace);
        return $"{(ns.Length == 0 ? "" : ns + ".")}{Metadata.GetString(type.Name)}.{Metadata.GetString(definition.Name)}";
    }

    /// <summary>The loaded (reflection) form of a method of this assembly: the compiler resolves tokens and layouts through it.</summary>
    public System.Reflection.MethodBase Resolve(MethodDefinitionHandle method)
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && a.Location == Path)
            ?? System.Reflection.Assembly.LoadFrom(Path);
        return assembly.ManifestModule.ResolveMethod(MetadataTokens.GetToken(method))
            ?? throw new CompilerException($"{Path}: method {MethodName(method)} cannot be loaded");
    }

    /// <summary>Finds a method by its type's full name and its own name.</summary>
    public MethodDefinitionHandle FindMethod(string typeFullName, string methodName)
    {
        foreach (var typeHandle in Metadata.TypeDefinitions)
        {
            var type = Metadata.GetTypeDefinition(typeHandle);
            var ns = Metadata.GetString(type.Namespace);
            var full = ns.Length == 0 ? Metadata.GetString(type.Name) : $"{ns}.{Metadata.GetString(type.Name)}";
            if (full != typeFullName)
                continue;
            foreach (var m in type.GetMethods())
                if (Metadata.GetString(Metadata.GetMethodDefinition(m).Name) == methodName)
                    return m;
        }
        throw new CompilerException($"{Path} has no method {typeFullName}.{methodName}");
    }

    /// <summary>Source lines of a method by IL offset, from the PDB's sequence points (hidden points skipped).</summary>
    public IReadOnlyList<(int ILOffset, SourceLocation Location)> SequencePoints(MethodDefinitionHandle method)
    {
        if (Pdb is null)
            return [];
        var debug = Pdb.GetMethodDebugInformation(MetadataTokens.MethodDebugInformationHandle(MetadataTokens.GetRowNumber(method)));
        var result = new List<(int, SourceLocation)>();
        foreach (var point in debug.GetSequencePoints())
        {
            if (point.IsHidden)
                continue;
            var document = Pdb.GetString(Pdb.GetDocument(point.Document).Name);
            result.Add((point.Offset, new SourceLocation(document, point.StartLine, point.StartColumn)));
        }
        return result;
    }

    /// <summary>The source location of an IL offset: the last sequence point at or before it.</summary>
    public SourceLocation? LocationOf(MethodDefinitionHandle method, int ilOffset)
    {
        SourceLocation? best = null;
        foreach (var (offset, location) in SequencePoints(method))
            if (offset <= ilOffset)
                best = location;
        return best;
    }

    public void Dispose()
    {
        _pdbProvider?.Dispose();
        _pe.Dispose();
    }
}
