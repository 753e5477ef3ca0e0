using System.Collections;
using System.Numerics;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// The value of one key of a per-CPU map: one <typeparamref name="T"/> per possible CPU (online or not), in CPU
/// order. Reading a per-CPU map returns one; writing takes one (or a span) with a value for every CPU.
/// </summary>
public sealed class PerCpu<T> : IReadOnlyList<T> where T : unmanaged
{
    private readonly T[] _values;

    /// <summary>Zeros for every possible CPU.</summary>
    public PerCpu() : this(new T[PossibleCpus.Count]) { }

    /// <summary>Wraps <paramref name="values"/> (not copied): one per possible CPU.</summary>
    public PerCpu(T[] values)
    {
        if (values.Length != PossibleCpus.Count)
            throw new BpfException($"a per-CPU value needs one element per possible CPU ({PossibleCpus.Count}), not {values.Length}.");
        _values = values;
    }

    /// <summary>The same value on every possible CPU.</summary>
    public static PerCpu<T> Fill(T value)
    {
        var values = new T[PossibleCpus.Count];
        Array.Fill(values, value);
        return new PerCpu<T>(values);
    }

    /// <summary>The value of CPU <paramref name="cpu"/> (0 to <see cref="Count"/> - 1).</summary>
    /// <exception cref="BpfException"><paramref name="cpu"/> is not a possible CPU.</exception>
    public T this[int cpu]
    {
        get => _values[CheckCpu(cpu)];
        set => _values[CheckCpu(cpu)] = value;
    }

    /// <summary>The number of possible CPUs.</summary>
    public int Count => _values.Length;

    /// <summary>The values, one per possible CPU, without copying.</summary>
    public Span<T> AsSpan() => _values;

    /// <summary>Enumerates the values in CPU order.</summary>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();

    private int CheckCpu(int cpu) => (uint)cpu < (uint)_values.Length ? cpu
        : throw new BpfException($"CPU {cpu} is not a possible CPU; there are {_values.Length} (0 to {_values.Length - 1}).");

    /// <summary>The values as "[a, b, ...]", for logs.</summary>
    public override string ToString() => $"[{string.Join(", ", _values)}]";
}

/// <summary>Aggregates of per-CPU values.</summary>
public static class PerCpuExtensions
{
    /// <summary>The sum over CPUs, for per-CPU counters.</summary>
    public static T Sum<T>(this PerCpu<T> values) where T : unmanaged, INumber<T>
    {
        T sum = T.Zero;
        foreach (var v in values.AsSpan()) sum += v;
        return sum;
    }
}
