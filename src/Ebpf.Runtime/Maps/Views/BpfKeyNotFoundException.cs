namespace Ebpf;

/// <summary>The indexer of a typed map was asked for a key the map does not hold. Use TryGetValue to test first.</summary>
public sealed class BpfKeyNotFoundException : BpfException
{
    /// <summary>Creates the exception for a lookup of <paramref name="key"/> in map <paramref name="mapName"/>.</summary>
    public BpfKeyNotFoundException(string mapName, string key)
        : base($"map '{mapName}' has no key {key}; use TryGetValue to look up a key that may be absent.")
    {
        MapName = mapName;
        Key = key;
    }

    /// <summary>The name of the map looked up.</summary>
    public string MapName { get; }

    /// <summary>The key as text (its ToString()).</summary>
    public string Key { get; }
}
