using System.Reflection.Metadata;
using Ebpf.Compiler.IL;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>A straight run of IL: entered only at its first instruction, left only after its last.</summary>
internal sealed class BasicBlock(int index, IReadOnlyList<ILInstruction> instructions)
{
    public int Index { get; } = index;
    public IReadOnlyList<ILInstruction> Instructions { get; } = instructions;
    public int Start => Instructions[0].Offset;
    public ILInstruction Last => Instructions[^1];
    public List<BasicBlock> Successors { get; } = [];
    public List<BasicBlock> Predecessors { get; } = [];
}

/// <summary>A natural loop: a header that dominates the blocks of the body, which branch back to it.</summary>
internal sealed record Loop(BasicBlock Header, IReadOnlySet<BasicBlock> Body)
{
    /// <summary>Edges from the body to outside it: the only ways the loop ends.</summary>
    public IEnumerable<(BasicBlock From, BasicBlock To)> Exits =>
        Body.OrderBy(b => b.Index).SelectMany(b => b.Successors.Where(s => !Body.Contains(s)).Select(s => (b, s)));
}

/// <summary>The basic blocks of a method body and its loops, found with dominators (Cooper, Harvey and Kennedy).</summary>
internal sealed class ControlFlowGraph
{
    private readonly BasicBlock?[] _idom;

    private ControlFlowGraph(IReadOnlyList<BasicBlock> blocks)
    {
        Blocks = blocks;
        _idom = Dominators(blocks);
    }

    public IReadOnlyList<BasicBlock> Blocks { get; }

    public static ControlFlowGraph Build(IReadOnlyList<ILInstruction> code)
    {
        if (code.Count == 0)
            return new ControlFlowGraph([]);
        var leaders = new SortedSet<int> { code[0].Offset };
        foreach (var ins in code)
        {
            foreach (var target in Targets(ins))
                leaders.Add(target);
            if (EndsBlock(ins))
                leaders.Add(ins.End);
        }
        var blocks = new List<BasicBlock>();
        var current = new List<ILInstruction>();
        foreach (var ins in code)
        {
            if (current.Count > 0 && leaders.Contains(ins.Offset))
            {
                blocks.Add(new BasicBlock(blocks.Count, current));
                current = [];
            }
            current.Add(ins);
        }
        blocks.Add(new BasicBlock(blocks.Count, current));

        var byStart = blocks.ToDictionary(b => b.Start);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var last = block.Last;
            // A target that is no instruction is bad IL; the function compiler reports it, here it is no edge.
            var successors = Targets(last).Where(byStart.ContainsKey).Select(t => byStart[t]).ToList();
            if (FallsThrough(last) && i + 1 < blocks.Count)
                successors.Add(blocks[i + 1]);
            foreach (var s in successors.Distinct())
            {
                block.Successors.Add(s);
                s.Predecessors.Add(block);
            }
        }
        return new ControlFlowGraph(blocks);
    }

    /// <summary>Natural loops, one per header (back edges to the same header share a loop). Unreachable blocks belong to none.</summary>
    public IEnumerable<Loop> Loops()
    {
        var bodies = new Dictionary<BasicBlock, HashSet<BasicBlock>>();
        foreach (var block in Blocks)
            foreach (var header in block.Successors)
            {
                if (!Dominates(header, block))
                    continue; // not a back edge; a retreating edge into an irreducible region is left to the verifier
                if (!bodies.TryGetValue(header, out var body))
                    bodies[header] = body = [header];
                var work = new Stack<BasicBlock>();
                if (body.Add(block))
                    work.Push(block);
                while (work.TryPop(out var b))
                    foreach (var p in b.Predecessors)
                        if (_idom[p.Index] is not null && body.Add(p))
                            work.Push(p);
            }
        return bodies.OrderBy(b => b.Key.Index).Select(b => new Loop(b.Key, b.Value));
    }

    private bool Dominates(BasicBlock a, BasicBlock b)
    {
        if (_idom[b.Index] is null)
            return false; // unreachable
        for (var x = b; ; x = _idom[x.Index]!)
        {
            if (x == a)
                return true;
            if (_idom[x.Index] == x)
                return false; // reached the entry
        }
    }

    private static BasicBlock?[] Dominators(IReadOnlyList<BasicBlock> blocks)
    {
        var idom = new BasicBlock?[blocks.Count];
        if (blocks.Count == 0)
            return idom;
        // Reverse postorder from the entry; blocks it never reaches (exception handlers, dead code) keep no dominator.
        var order = new List<BasicBlock>();
        var seen = new bool[blocks.Count];
        var stack = new Stack<(BasicBlock Block, int Next)>();
        stack.Push((blocks[0], 0));
        seen[0] = true;
        while (stack.TryPop(out var frame))
        {
            if (frame.Next < frame.Block.Successors.Count)
            {
                stack.Push((frame.Block, frame.Next + 1));
                var s = frame.Block.Successors[frame.Next];
                if (!seen[s.Index])
                {
                    seen[s.Index] = true;
                    stack.Push((s, 0));
                }
            }
            else
                order.Add(frame.Block);
        }
        order.Reverse();
        var position = new int[blocks.Count];
        for (var i = 0; i < order.Count; i++)
            position[order[i].Index] = i;

        idom[0] = blocks[0];
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var b in order.Skip(1))
            {
                BasicBlock? best = null;
                foreach (var p in b.Predecessors)
                    if (idom[p.Index] is not null)
                        best = best is null ? p : Intersect(p, best);
                if (best is not null && idom[b.Index] != best)
                {
                    idom[b.Index] = best;
                    changed = true;
                }
            }
        }
        return idom;

        BasicBlock Intersect(BasicBlock a, BasicBlock b)
        {
            while (a != b)
            {
                while (position[a.Index] > position[b.Index])
                    a = idom[a.Index]!;
                while (position[b.Index] > position[a.Index])
                    b = idom[b.Index]!;
            }
            return a;
        }
    }

    private static int[] Targets(ILInstruction ins) =>
        ins.Targets ?? (ins.OpCode.IsBranch() ? [ins.Int] : []);

    private static bool EndsBlock(ILInstruction ins) => ins.OpCode.IsBranch() || ins.Targets is not null || !FallsThrough(ins);

    private static bool FallsThrough(ILInstruction ins) => ins.OpCode switch
    {
        ILOpCode.Br or ILOpCode.Br_s or ILOpCode.Leave or ILOpCode.Leave_s or ILOpCode.Ret or ILOpCode.Throw or ILOpCode.Rethrow
            or ILOpCode.Jmp or ILOpCode.Endfinally or ILOpCode.Endfilter => false,
        _ => true,
    };
}
