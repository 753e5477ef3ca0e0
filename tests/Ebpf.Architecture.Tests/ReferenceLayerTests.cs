namespace Ebpf.Architecture.Tests;

/// <summary>Each product assembly references only what its layer in DESIGN.md may use.</summary>
public class ReferenceLayerTests
{
    public static TheoryData<string> ProductNames => [.. Products.All];

    [Theory]
    [MemberData(nameof(ProductNames))]
    public void References_only_its_layers(string assembly)
    {
        var references = AssemblyReferences.Of(Products.PathOf(assembly));
        Assert.Empty(AssemblyReferences.Violations(assembly, references, LayerTable.Allowed[assembly]));
    }

    [Fact]
    public void The_table_covers_every_product_and_allows_none_of_what_a_layer_must_never_use()
    {
        Assert.Equal(Products.All.Order(), LayerTable.Allowed.Keys.Order());
        foreach (var (assembly, never) in LayerTable.Never)
            Assert.Empty(LayerTable.Allowed[assembly].Intersect(never));
    }

    // The checker on a deliberately bad input: BadInputs/ToolChainUse makes this test assembly reference the tool
    // chain, so against the runtime's allowances it must be caught referencing the compiler, the build step and Cecil.
    [Fact]
    public void A_reference_outside_the_table_is_reported()
    {
        var self = typeof(ReferenceLayerTests).Assembly.Location;
        var violations = AssemblyReferences.Violations("this test assembly", AssemblyReferences.Of(self), LayerTable.Allowed[Products.Runtime]);
        Assert.Contains(violations, v => v.Contains("references Ebpf.Compiler,", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("references Ebpf.Build,", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("references Mono.Cecil,", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("references System.", StringComparison.Ordinal));
    }

    [Fact]
    public void Framework_assemblies_are_recognised_and_packages_are_not()
    {
        Assert.True(AssemblyReferences.IsFramework("System.Runtime"));
        Assert.True(AssemblyReferences.IsFramework("netstandard"));
        Assert.False(AssemblyReferences.IsFramework("Mono.Cecil"));
        Assert.False(AssemblyReferences.IsFramework("Microsoft.Extensions.Logging.Abstractions"));
    }
}
