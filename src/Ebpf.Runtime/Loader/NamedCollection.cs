using System.Collections;

namespace Ebpf;

/// <summary>Programs or maps of an object by name; a missing name throws an error that lists the names there are.</summary>
public sealed class NamedCollection<T> : IReadOnlyCollection<T>
{
    private readonly Dictionary<string, T> _items;
    private readonly string _what;
    private readonly string _source;

    internal NamedCollection(IEnumerable<KeyValuePair<string, T>> items, string what, string source)
        : this(new Dictionary<string, T>(items, StringComparer.Ordinal), what, source)
    {
    }

    /// <summary>Takes <paramref name="items"/> (ordinal keys) as it is: the caller must not change it afterwards.</summary>
    internal NamedCollection(Dictionary<string, T> items, string what, string source)
    {
        _items = items;
        _what = what;
        _source = source;
    }

    /// <summary>The item named <paramref name="name"/> (ordinal comparison).</summary>
    /// <exception cref="BpfException">There is no such name; the message lists the names there are.</exception>
    public T this[string name] => _items.TryGetValue(name, out var item) ? item
        : throw new BpfException($"{_source} has no {_what} '{name}'" +
            (_items.Count == 0 ? $"; it has no {_what}s loaded" : $"; it has: {string.Join(", ", _items.Keys.Order())}"));

    /// <summary>Gets the item named <paramref name="name"/>; false when there is none.</summary>
    public bool TryGet(string name, out T item) => _items.TryGetValue(name, out item!);

    /// <summary>Whether an item is named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _items.ContainsKey(name);

    /// <summary>Every name, in no particular order.</summary>
    public IEnumerable<string> Names => _items.Keys;

    /// <summary>The number of items.</summary>
    public int Count => _items.Count;

    /// <summary>Enumerates the items, in no particular order.</summary>
    public IEnumerator<T> GetEnumerator() => _items.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
