namespace Ebpf.Architecture.Tests;

/// <summary>
/// DESIGN.md's layers as assembly references: what each product assembly may reference besides the framework.
/// The runtime (what an application ships) stays free of the tool chain: no compiler, no build step, no Mono.Cecil,
/// and not the kernel-side library, which only programs compiled to BPF use. The table is strict: it is what each
/// assembly references today, each within DESIGN.md; a new reference is a design decision, made here.
/// </summary>
internal static class LayerTable
{
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Allowed = new Dictionary<string, IReadOnlySet<string>>
    {
        [Products.Core] = Set(),
        [Products.Asm] = Set(Products.Core),
        [Products.Object] = Set(Products.Core, Products.Asm, "LibObjectFile"),
        [Products.Native] = Set(Products.Core),
        [Products.Runtime] = Set(Products.Core, Products.Asm, Products.Object, Products.Native, "Microsoft.Extensions.Logging.Abstractions"),
        [Products.Kernel] = Set(),
        [Products.Compiler] = Set(Products.Core, Products.Asm, Products.Object, Products.Kernel),
        // The build step finds program classes by the kernel-side library's attributes, and embeds objects with Cecil.
        [Products.Build] = Set(Products.Core, Products.Runtime, Products.Kernel, Products.Compiler, "Mono.Cecil"),
        [Products.Metrics] = Set(Products.Core, Products.Native, Products.Runtime),
        [Products.Hosting] = Set(Products.Core, Products.Native, Products.Runtime,
            "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.DependencyInjection.Abstractions",
            "Microsoft.Extensions.Options", "Microsoft.Extensions.Options.ConfigurationExtensions", "Microsoft.Extensions.Configuration.Abstractions",
            "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Diagnostics.HealthChecks",
            "Microsoft.Extensions.Diagnostics.HealthChecks.Abstractions"),
        [Products.Cli] = Set(Products.Core, Products.Asm, Products.Object, Products.Native, Products.Runtime, Products.Compiler,
            Products.Build, "System.CommandLine"),
    };

    /// <summary>
    /// References a layer must never have, named so a table edit cannot slip them in: the tool chain in what applications
    /// ship; the native layer or the loader in the object model and the compiler, which never call the kernel.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Never = new Dictionary<string, IReadOnlySet<string>>
    {
        [Products.Runtime] = Set(Products.Compiler, Products.Build, Products.Kernel, "Mono.Cecil"),
        [Products.Metrics] = Set(Products.Compiler, Products.Build, Products.Kernel, "Mono.Cecil"),
        [Products.Hosting] = Set(Products.Compiler, Products.Build, Products.Kernel, "Mono.Cecil"),
        [Products.Object] = Set(Products.Native, Products.Runtime),
        [Products.Compiler] = Set(Products.Native, Products.Runtime),
    };

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
