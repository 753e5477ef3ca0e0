namespace Ebpf.Architecture.Tests.BadInputs;

/// <summary>Loader code that uses Maps types in every way the checker must see.</summary>
internal sealed class LoaderFixture
{
    private readonly List<MapFixtureKind> _kinds = [];   // a generic argument in a field's type

    public int Call() => MapFixture.Create().Value;      // a call and a field access in IL

    public bool Cast(object o) => o is MapFixture;       // a type token (isinst)

    public static void Catch(Action a)
    {
        try { a(); }
        catch (MapFixtureException) { }                  // an exception region's catch type
    }

    public int Count => _kinds.Count;
}

/// <summary>Loader code that uses only Loader types: nothing to report.</summary>
internal sealed class CleanLoaderFixture
{
    public int Count(LoaderFixture loader) => loader.Count;
}
