namespace Ebpf.Kernel;

/// <summary>
/// Base of every program attribute: marks a public static method as a BPF program and says which ELF section
/// (and so which program type and expected attach type, as libbpf reads it) the compiler writes it into.
/// Constructors validate their arguments and throw <see cref="ArgumentException"/>: the compiler constructs the
/// attribute from its metadata and turns that exception into a build error with the file and line.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public abstract class ProgramAttribute : Attribute
{
    /// <summary>The exact section name written to the object, as libbpf's section table spells it.</summary>
    public abstract string Section { get; }

    /// <summary>The context type the program method takes as its only parameter, or null where this library has none (the compiler then accepts a raw pointer or no parameter).</summary>
    public virtual Type? ContextType => null;

    /// <summary>
    /// The verdict enum the program method returns (<see cref="SkbVerdict"/> for cgroup_skb, <see cref="XdpAction"/> for XDP, ...),
    /// or null where the kind returns a plain number (a length, 0 or a negative errno): then int, uint, long or ulong.
    /// The compiler refuses a program method whose return type differs, since the kernel checks the returned range per kind.
    /// </summary>
    public virtual Type? ReturnType => null;

    public override string ToString() => $"{GetType().Name}(\"{Section}\")";

    // Shared argument checks: the messages name the attribute and the fix, since they become build errors.
    private protected static TEnum CheckEnum<TEnum>(TEnum value, string attribute, string parameter) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentException(
                $"[{attribute}] got {typeof(TEnum).Name} value {Convert.ToInt64(value)}, which names none; use one of {string.Join(", ", Enum.GetNames<TEnum>().Select(n => typeof(TEnum).Name + "." + n))}.",
                parameter);
        return value;
    }

    private protected static string CheckName(string? value, string attribute, string parameter, string what, bool allowSlash = false, bool allowPattern = false)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"[{attribute}] needs a non-empty {what}.", parameter);
        foreach (char c in value)
        {
            bool ok = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' || (allowSlash && c == '/') || (allowPattern && c is '*' or '?');
            if (!ok)
                throw new ArgumentException($"[{attribute}] {what} \"{value}\" holds '{c}'; a {what} is made of letters, digits, '_' and '.'{(allowPattern ? ", with '*' and '?' as wildcards" : "")}.", parameter);
        }
        return value;
    }

    private protected static string CheckPath(string? value, string attribute, string parameter)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"[{attribute}] needs the path of a binary or library, such as \"/usr/lib/libc.so.6\".", parameter);
        if (value.Contains(':'))
            throw new ArgumentException($"[{attribute}] binary path \"{value}\" holds ':', which separates the path from the function in the section name.", parameter);
        return value;
    }

    private protected static string Sleepy(string prefix, bool sleepable) => sleepable ? prefix + ".s" : prefix;
}
