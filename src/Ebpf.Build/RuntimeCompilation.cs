using Ebpf.Compiler.CodeGen;

namespace Ebpf.Build;

/// <summary>
/// Compiling C# programs at run time, opt-in: a class whose build embedded no object is compiled when first loaded. For
/// tools, tests and notebooks; a deployed app ships its objects embedded and needs neither this nor the compiler.
/// </summary>
public static class RuntimeCompilation
{
    /// <summary>From now on <c>BpfObject.Load(typeof(X))</c> compiles X when its assembly holds no object for it.</summary>
    public static void Enable() => EmbeddedObjects.CompileMissingWith(ProgramCompiler.Compile);
}
