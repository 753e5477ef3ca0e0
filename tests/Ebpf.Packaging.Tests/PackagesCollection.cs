namespace Ebpf.Packaging.Tests;

/// <summary>The test classes that share one packed feed (packing is most of the time these tests take).</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "packages";
}
