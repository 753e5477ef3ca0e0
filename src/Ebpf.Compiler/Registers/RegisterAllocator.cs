using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Registers;

/// <summary>
/// Graph-colouring register allocation (Chaitin-Briggs): coalesce copies that the Briggs/George tests allow, simplify,
/// select colours optimistically with a bias towards the colour of a copy's other side, and when a value finds no
/// colour, spill it to an 8-byte frame slot (which keeps a pointer's type and a scalar's bounds for the verifier)
/// and start again.
/// </summary>
internal static class RegisterAllocator
{
    private const int MaxRounds = 32;

    /// <summary>Rewrites every virtual register of <paramref name="function"/> to r0-r9; returns the frame bytes used, spills included.</summary>
    public static int Allocate(IrFunction function, Func<string, Exception> tooLarge)
    {
        var noSpill = new HashSet<int>(); // registers made by spilling: spilling them again gains nothing
        for (var round = 0; round < MaxRounds; round++)
        {
            var graph = new InterferenceGraph(function, new Liveness(function));
            var alias = Coalesce(graph);
            var (colors, spills) = Color(graph, noSpill);
            if (spills.Count == 0)
            {
                Rewrite(function, r => Vreg.IsVirtual(r) ? colors[Find(alias, r)] : r);
                return function.FrameBytes;
            }
            // Spill the original registers that the failed (possibly merged) nodes stand for.
            var spilled = new HashSet<int>();
            foreach (var r in AllRegisters(function))
                if (spills.Contains(Find(alias, r)))
                    spilled.Add(r);
            Spill(function, spilled, noSpill);
            if (function.FrameBytes > 512)
                throw tooLarge($"the function needs {function.FrameBytes} bytes of stack (locals and values spilled from registers), over BPF's 512; use fewer live values or split the function");
        }
        throw tooLarge("register allocation did not converge; simplify the function");
    }

    private static int Find(Dictionary<int, int> alias, int r)
    {
        while (alias.TryGetValue(r, out var to)) r = to;
        return r;
    }

    private static IEnumerable<int> AllRegisters(IrFunction function)
    {
        var seen = new HashSet<int>();
        foreach (var b in function.Blocks)
            foreach (var i in b.Code)
                foreach (var r in new[] { i.Dst, i.Src, i.Aux })
                    if (Vreg.IsVirtual(r) && seen.Add(r))
                        yield return r;
    }

    /// <summary>Conservative coalescing: a copy's sides merge when that cannot make the graph harder to colour.</summary>
    private static Dictionary<int, int> Coalesce(InterferenceGraph graph)
    {
        var alias = new Dictionary<int, int>();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (d, s) in graph.Moves)
            {
                var a = Find(alias, d);
                var b = Find(alias, s);
                if (a == b || a == Vreg.Frame || b == Vreg.Frame) continue;
                if (!Vreg.IsVirtual(a) && !Vreg.IsVirtual(b)) continue;
                if (!Vreg.IsVirtual(a)) (a, b) = (b, a); // a is virtual; b may be physical
                if (graph.Interferes(a, b)) continue;
                var ok = Vreg.IsVirtual(b) ? Briggs(graph, a, b) : George(graph, a, b);
                if (!ok) continue;
                graph.Merge(b, a);
                alias[a] = b;
                changed = true;
            }
        }
        return alias;
    }

    private static bool Briggs(InterferenceGraph graph, int a, int b)
    {
        var significant = 0;
        foreach (var n in graph.Neighbors(a).Union(graph.Neighbors(b)))
            if (graph.Neighbors(n).Count >= InterferenceGraph.Colors)
                significant++;
        return significant < InterferenceGraph.Colors;
    }

    private static bool George(InterferenceGraph graph, int virtualReg, int physical)
    {
        foreach (var t in graph.Neighbors(virtualReg))
            if (Vreg.IsVirtual(t) && graph.Neighbors(t).Count >= InterferenceGraph.Colors && !graph.Interferes(t, physical))
                return false;
        return true;
    }

    private static (Dictionary<int, int> Colors, HashSet<int> Spills) Color(InterferenceGraph graph, HashSet<int> noSpill)
    {
        var nodes = graph.Nodes.Where(Vreg.IsVirtual).ToHashSet();
        var degree = nodes.ToDictionary(n => n, n => graph.Neighbors(n).Count);
        var stack = new Stack<int>();
        var remaining = new HashSet<int>(nodes);
        while (remaining.Count > 0)
        {
            var pick = remaining.Where(n => degree[n] < InterferenceGraph.Colors).OrderBy(n => n).Cast<int?>().FirstOrDefault()
                // Optimistic: the cheapest value per neighbour goes on the stack anyway; it may still find a colour.
                ?? remaining.OrderBy(n => noSpill.Contains(n) ? double.MaxValue : graph.Cost.GetValueOrDefault(n) / Math.Max(1, degree[n])).ThenBy(n => n).First();
            remaining.Remove(pick);
            stack.Push(pick);
            foreach (var n in graph.Neighbors(pick))
                if (remaining.Contains(n))
                    degree[n]--;
        }
        var colors = new Dictionary<int, int>();
        for (var r = 0; r < InterferenceGraph.Colors; r++) colors[r] = r;
        var partners = new Dictionary<int, List<int>>();
        foreach (var (d, s) in graph.Moves)
        {
            (partners.TryGetValue(d, out var l) ? l : partners[d] = []).Add(s);
            (partners.TryGetValue(s, out var m) ? m : partners[s] = []).Add(d);
        }
        var spills = new HashSet<int>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            var taken = new HashSet<int>();
            foreach (var m in graph.Neighbors(n))
                if (colors.TryGetValue(m, out var c)) taken.Add(c);
            int? chosen = null;
            if (partners.TryGetValue(n, out var friends))
                foreach (var f in friends)
                    if (colors.TryGetValue(f, out var c) && !taken.Contains(c)) { chosen = c; break; }
            for (var c = 0; chosen is null && c < InterferenceGraph.Colors; c++)
                if (!taken.Contains(c)) chosen = c;
            if (chosen is { } color) colors[n] = color;
            else spills.Add(n);
        }
        return (colors, spills);
    }

    /// <summary>Every use of a spilled register loads it from its slot into a fresh register, every definition stores it back.</summary>
    private static void Spill(IrFunction function, HashSet<int> spilled, HashSet<int> noSpill)
    {
        var slots = new Dictionary<int, short>();
        foreach (var r in spilled)
        {
            function.FrameBytes += 8;
            slots[r] = (short)-function.FrameBytes;
        }
        var uses = new List<int>();
        var defs = new List<int>();
        foreach (var block in function.Blocks)
        {
            var code = new List<MachineInstr>(block.Code.Count);
            foreach (var ins in block.Code)
            {
                ins.Uses(uses);
                ins.Defs(defs);
                var map = new Dictionary<int, int>();
                int Temp(int r)
                {
                    if (!map.TryGetValue(r, out var t))
                    {
                        map[r] = t = function.NewVreg();
                        noSpill.Add(t);
                    }
                    return t;
                }
                foreach (var r in uses.Distinct())
                    if (spilled.Contains(r))
                        code.Add(new MachineInstr(Instruction.LoadMem(MemorySize.DW, 0, 0, slots[r]), Temp(r), Vreg.Frame) { Location = ins.Location });
                foreach (var r in defs) if (spilled.Contains(r)) Temp(r);
                if (map.Count > 0)
                {
                    if (map.TryGetValue(ins.Dst, out var d)) ins.Dst = d;
                    if (map.TryGetValue(ins.Src, out var s)) ins.Src = s;
                    if (map.TryGetValue(ins.Aux, out var a)) ins.Aux = a;
                }
                code.Add(ins);
                foreach (var r in defs.Distinct())
                    if (spilled.Contains(r))
                        code.Add(new MachineInstr(Instruction.StoreMem(MemorySize.DW, 0, slots[r], 0), Vreg.Frame, map[r]) { Location = ins.Location });
            }
            block.Code.Clear();
            block.Code.AddRange(code);
        }
    }

    private static void Rewrite(IrFunction function, Func<int, int> color)
    {
        foreach (var block in function.Blocks)
        {
            foreach (var ins in block.Code)
            {
                if (ins.Dst != Vreg.None) ins.Dst = color(ins.Dst);
                if (ins.Src != Vreg.None) ins.Src = color(ins.Src);
                if (ins.Aux != Vreg.None) ins.Aux = color(ins.Aux);
            }
            block.Code.RemoveAll(i => i.IsCopy && i.Dst == i.Src);
        }
    }
}
