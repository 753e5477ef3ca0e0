namespace Ebpf.Kernel;

/// <summary>
/// A program array for tail calls (BPF_MAP_TYPE_PROG_ARRAY). User space fills the slots; managed tests fill them with
/// <see cref="Set{TContext, TResult}"/>. A tail call replaces the running program, so it appears only as <c>return</c>:
/// <c>return Jumps.TailCall(skb, 2, fallback: SkbVerdict.Pass);</c>
/// </summary>
[MapKind(MapType.ProgArray)]
public sealed class ProgramArray(int maxEntries) : KernelMap(maxEntries, MapFlags.None)
{
    /// <summary>MAX_TAIL_CALL_CNT: tail calls past this many in one run fail (and the caller's fallback is returned).</summary>
    public const int MaxTailCalls = 33;

    [ThreadStatic] private static int t_depth;
    private readonly Delegate?[] _slots = new Delegate?[maxEntries];

    public override MapType Type => MapType.ProgArray;
    public override int KeySize => sizeof(uint);
    public override int ValueSize => sizeof(uint);

    /// <summary>
    /// Runs the program in slot <paramref name="index"/> in place of the caller: bpf_tail_call. When the slot is empty, out of
    /// range, of another context/result type, or the chain is too long, the helper returns and so does <paramref name="fallback"/>.
    /// </summary>
    [Intrinsic(IntrinsicKind.TailCall)]
    public TResult TailCall<TContext, TResult>(TContext context, uint index, TResult fallback) where TContext : BpfContext
    {
        if (index >= (uint)_slots.Length || _slots[index] is not Func<TContext, TResult> program || t_depth >= MaxTailCalls) return fallback;
        t_depth++;
        try { return program(context); }
        finally { t_depth--; }
    }

    /// <summary>Puts <paramref name="program"/> in slot <paramref name="index"/> (managed only; the loader's job in the kernel).</summary>
    [ManagedOnly]
    public void Set<TContext, TResult>(uint index, Func<TContext, TResult> program) where TContext : BpfContext
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, (uint)_slots.Length);
        _slots[index] = program;
    }

    [ManagedOnly]
    public void Remove(uint index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, (uint)_slots.Length);
        _slots[index] = null;
    }

    [ManagedOnly]
    public override void Clear() => Array.Clear(_slots);
}
