namespace Ebpf.Architecture.Tests;

/// <summary>
/// Layers inside Ebpf.Runtime, by source folder (DESIGN.md): the loader (Loader/) knows nothing built on it; program
/// kinds and links (Programs/) and typed maps (Maps/) use only the loader; the event readers (Events/) use the loader
/// and the maps, their own layer, but no program kind.
/// </summary>
public class RuntimeFolderTests
{
    public static TheoryData<string, string[]> Rules => new()
    {
        { "Loader", ["Programs", "Maps", "Events"] },
        { "Programs", ["Maps", "Events"] },
        { "Maps", ["Programs", "Events"] },
        { "Events", ["Programs"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_folder_uses_no_layer_above_it(string folder, string[] forbidden) =>
        Assert.Empty(FolderLayers.Violations(Products.PathOf(Products.Runtime), "src/Ebpf.Runtime", folder, forbidden));

    [Fact]
    public void Every_runtime_type_is_placed_in_a_folder()
    {
        // A type the PDB cannot place would escape the rules above: each must land in a known folder.
        Assert.Empty(FolderLayers.Unplaced(Products.PathOf(Products.Runtime), "src/Ebpf.Runtime"));
    }

    // The checker on real product metadata, in the allowed direction: it must see Programs/ using Loader/,
    // or it could pass the rules above by seeing nothing.
    [Fact]
    public void Uses_in_the_allowed_direction_are_seen()
    {
        var uses = FolderLayers.Violations(Products.PathOf(Products.Runtime), "src/Ebpf.Runtime", "Programs", ["Loader"]);
        Assert.Contains(uses, v => v.Contains("uses Ebpf.BpfProgram (declared in Loader/)", StringComparison.Ordinal));
    }

    // The checker on a deliberately bad input: BadInputs/Loader in this assembly uses BadInputs/Maps.
    [Fact]
    public void Loader_code_using_a_layer_above_is_reported()
    {
        var violations = FolderLayers.Violations(typeof(RuntimeFolderTests).Assembly.Location, "tests/Ebpf.Architecture.Tests/BadInputs", "Loader", ["Programs", "Maps", "Events"]);
        const string Bad = "Ebpf.Architecture.Tests.BadInputs.";
        Assert.Contains($"{Bad}LoaderFixture (in Loader/) uses {Bad}MapFixtureKind (declared in Maps/)", violations);
        Assert.Contains($"{Bad}LoaderFixture.Call (in Loader/) uses {Bad}MapFixture (declared in Maps/)", violations);
        Assert.Contains($"{Bad}LoaderFixture.Cast (in Loader/) uses {Bad}MapFixture (declared in Maps/)", violations);
        Assert.Contains($"{Bad}LoaderFixture.Catch (in Loader/) uses {Bad}MapFixtureException (declared in Maps/)", violations);
        Assert.DoesNotContain(violations, v => v.Contains("CleanLoaderFixture", StringComparison.Ordinal) || v.Contains("ProgramFixture", StringComparison.Ordinal));
    }
}
