using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Registers;

/// <summary>
/// Which registers may not share a physical register: two values interfere when one is written while the other is
/// live. Calls write r0-r5, so every value live across a call interferes with them and ends up in r6-r9 (or the stack).
/// </summary>
internal sealed class InterferenceGraph
{
    public const int Colors = 10; // r0-r9; r10 is the frame pointer

    private readonly Dictionary<int, HashSet<int>> _edges = [];

    /// <summary>Copies (dst, src) for coalescing, and how often each register is used or defined, weighted by loop depth.</summary>
    public List<(int Dst, int Src)> Moves { get; } = [];
    public Dictionary<int, double> Cost { get; } = [];

    public InterferenceGraph(IrFunction function, Liveness liveness)
    {
        for (var r = 0; r < Colors; r++)
            Node(r);
        var uses = new List<int>();
        var defs = new List<int>();
        foreach (var block in function.Blocks)
        {
            var live = new HashSet<int>(liveness.LiveOut(block));
            var weight = Math.Pow(10, Math.Min(block.LoopDepth, 6));
            for (var i = block.Code.Count - 1; i >= 0; i--)
            {
                var ins = block.Code[i];
                ins.Uses(uses);
                ins.Defs(defs);
                foreach (var r in uses.Concat(defs))
                {
                    if (r == Vreg.Frame) continue;
                    Node(r);
                    Cost[r] = Cost.GetValueOrDefault(r) + weight;
                }
                if (ins.IsCopy)
                {
                    live.Remove(ins.Src); // a copy's two sides may share a register: that is the point of coalescing
                    Moves.Add((ins.Dst, ins.Src));
                }
                foreach (var d in defs)
                    foreach (var l in live)
                        AddEdge(d, l);
                if (ins.IsSetCondition)
                    foreach (var u in uses)
                        AddEdge(ins.Dst, u);
                live.ExceptWith(defs);
                live.UnionWith(uses);
            }
        }
        // Two physical registers always interfere: each is its own color.
        for (var a = 0; a < Colors; a++)
            for (var b = a + 1; b < Colors; b++)
                AddEdge(a, b);
    }

    public IEnumerable<int> Nodes => _edges.Keys;
    public IReadOnlySet<int> Neighbors(int r) => _edges[r];
    public bool Interferes(int a, int b) => _edges.TryGetValue(a, out var set) && set.Contains(b);

    private HashSet<int> Node(int r)
    {
        if (!_edges.TryGetValue(r, out var set))
            _edges[r] = set = [];
        return set;
    }

    public void AddEdge(int a, int b)
    {
        if (a == b || a == Vreg.Frame || b == Vreg.Frame) return;
        Node(a).Add(b);
        Node(b).Add(a);
    }

    /// <summary>Merges <paramref name="from"/> into <paramref name="into"/> (coalescing a copy).</summary>
    public void Merge(int into, int from)
    {
        foreach (var n in _edges[from])
        {
            _edges[n].Remove(from);
            AddEdge(into, n);
        }
        _edges.Remove(from);
        Cost[into] = Cost.GetValueOrDefault(into) + Cost.GetValueOrDefault(from);
    }
}
