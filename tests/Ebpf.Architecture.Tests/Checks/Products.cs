namespace Ebpf.Architecture.Tests;

/// <summary>The product assemblies, as the project references copied them beside this test assembly.</summary>
internal static class Products
{
    public const string Core = "Ebpf.Core", Asm = "Ebpf.Asm", Object = "Ebpf.Object", Native = "Ebpf.Native",
        Runtime = "Ebpf.Runtime", Kernel = "Ebpf.Kernel", Compiler = "Ebpf.Compiler", Build = "Ebpf.Build",
        Metrics = "Ebpf.Metrics", Hosting = "Ebpf.Hosting", Cli = "ebpf";

    public static readonly string[] All = [Core, Asm, Object, Native, Runtime, Kernel, Compiler, Build, Metrics, Hosting, Cli];

    public static string PathOf(string assemblyName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{assemblyName}.dll is not beside the tests; add its project to Ebpf.Architecture.Tests.csproj", path);
        return path;
    }
}
