namespace Ebpf.Compiler.Ir;

/// <summary>
/// A basic block: straight-line instructions, ending in at most one conditional jump (to <see cref="MachineInstr.Target"/>)
/// followed by the fall-through to <see cref="Next"/>, or an unconditional jump, or exit.
/// </summary>
internal sealed class Block(int id, string label)
{
    public int Id { get; } = id;
    public string Label { get; } = label;
    public List<MachineInstr> Code { get; } = [];

    /// <summary>Where control goes when the block's code ends without a jump or exit; null when it cannot.</summary>
    public Block? Next { get; set; }

    /// <summary>How deeply nested in loops: spill costs weigh by it.</summary>
    public int LoopDepth { get; set; }

    public IEnumerable<Block> Successors()
    {
        Block? jumpTarget = null;
        foreach (var i in Code)
            if (i.Target is not null) jumpTarget = i.Target;
        if (jumpTarget is not null) yield return jumpTarget;
        if (Next is not null && Next != jumpTarget) yield return Next;
    }

    public bool EndsControl => Code.Count > 0 && (Code[^1].IsExit || Code[^1].IsUnconditionalJump);

    public override string ToString() => Label;
}
