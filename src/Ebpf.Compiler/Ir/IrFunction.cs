namespace Ebpf.Compiler.Ir;

/// <summary>A function between lowering and allocation: blocks in layout order, virtual registers, and the frame used so far.</summary>
internal sealed class IrFunction(string name)
{
    public string Name { get; } = name;
    public List<Block> Blocks { get; } = [];
    public int NextVreg { get; set; } = Vreg.First;

    /// <summary>Bytes of the 512-byte frame taken by locals that live in memory (structs, address-taken values).</summary>
    public int FrameBytes { get; set; }

    public int NewVreg() => NextVreg++;

    private int _blockIds;

    /// <summary>A block not yet in the layout: a branch may target it before the lowering reaches it.</summary>
    public Block CreateBlock(string label) => new(_blockIds++, label);

    /// <summary>Appends a block to the layout, the order the emitter writes blocks in.</summary>
    public void Place(Block block) => Blocks.Add(block);

    public override string ToString() =>
        string.Join("\n", Blocks.Select(b => $"{b.Label}:{(b.Next is null ? "" : " (next " + b.Next.Label + ")")}\n" + string.Join("\n", b.Code.Select(i => "  " + i))));
}
