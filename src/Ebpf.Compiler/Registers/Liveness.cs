using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.Registers;

/// <summary>Which registers (physical and virtual) are live into and out of each block: the classic backward data flow.</summary>
internal sealed class Liveness
{
    private readonly Dictionary<Block, HashSet<int>> _in = [];
    private readonly Dictionary<Block, HashSet<int>> _out = [];

    public Liveness(IrFunction function)
    {
        var uses = new List<int>();
        var defs = new List<int>();
        var gen = new Dictionary<Block, HashSet<int>>();
        var kill = new Dictionary<Block, HashSet<int>>();
        foreach (var block in function.Blocks)
        {
            var g = new HashSet<int>();
            var k = new HashSet<int>();
            foreach (var ins in block.Code)
            {
                ins.Uses(uses);
                foreach (var u in uses)
                    if (!k.Contains(u)) g.Add(u);
                ins.Defs(defs);
                k.UnionWith(defs);
            }
            gen[block] = g;
            kill[block] = k;
            _in[block] = [.. g];
            _out[block] = [];
        }
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = function.Blocks.Count - 1; i >= 0; i--)
            {
                var block = function.Blocks[i];
                var output = _out[block];
                foreach (var successor in block.Successors())
                    if (!_in[successor].IsSubsetOf(output))
                    {
                        output.UnionWith(_in[successor]);
                        changed = true;
                    }
                var input = _in[block];
                foreach (var r in output)
                    if (!kill[block].Contains(r) && input.Add(r))
                        changed = true;
            }
        }
    }

    public IReadOnlySet<int> LiveIn(Block block) => _in[block];
    public IReadOnlySet<int> LiveOut(Block block) => _out[block];
}
