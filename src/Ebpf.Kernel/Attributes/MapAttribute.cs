namespace Ebpf.Kernel;

/// <summary>How a map is pinned in bpffs when loaded (the BTF map definition's <c>pinning</c> member).</summary>
public enum MapPinning
{
    /// <summary>Not pinned (LIBBPF_PIN_NONE).</summary>
    None = 0,
    /// <summary>Pinned by name under the loader's pin path, reused when it already exists (LIBBPF_PIN_BY_NAME).</summary>
    ByName = 1,
}

/// <summary>
/// Declares a map: put it on a <c>static readonly</c> field of a map type (<see cref="HashMap{TKey, TValue}"/>, <see cref="ArrayMap{TValue}"/>, ...).
/// The compiler writes one BTF-defined map into ".maps" per field, named after the field unless <see cref="Name"/> says otherwise,
/// with the type, key, value and max_entries of the field's initializer.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class MapAttribute : Attribute
{
    public MapAttribute() { }

    public MapAttribute(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
            throw new ArgumentException($"[Map] name \"{name}\" must be a C identifier (letters, digits, '_', not starting with a digit): it becomes the map's symbol.", nameof(name));
        if (name.Length > 15)
            throw new ArgumentException($"[Map] name \"{name}\" is {name.Length} characters; the kernel keeps 15 (BPF_OBJ_NAME_LEN - 1), so two maps could collide. Use a shorter name.", nameof(name));
        Name = name;
    }

    /// <summary>The map's name in the object, or null for the field's name.</summary>
    public string? Name { get; }

    public MapPinning Pinning { get; set; }
}
