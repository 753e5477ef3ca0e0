using Ebpf.Asm;
using Ebpf.Compiler.Ir;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// After allocation: a block that ends the program with the same instructions as the end of another (each
/// `return 0;` is `w0 = 0; exit`) jumps there instead, as clang shares one return block. Only blocks of two or more
/// instructions: the jump that replaces one costs at most one.
/// </summary>
internal static class ExitMerging
{
    public static void Run(IrFunction function)
    {
        foreach (var block in function.Blocks.ToList())
        {
            if (block.Code.Count < 2 || !block.Code[^1].IsExit) continue;
            // The last other block that ends with this one's code: its tail becomes a block of its own to jump to.
            var into = function.Blocks.LastOrDefault(b => b != block && b.Code.Count >= block.Code.Count && b.Code[^1].IsExit && EndsWith(b.Code, block.Code));
            if (into is null) continue;
            if (into.Code.Count > block.Code.Count)
            {
                var tail = function.CreateBlock(into.Label + ".exit");
                var at = into.Code.Count - block.Code.Count;
                tail.Code.AddRange(into.Code.Skip(at));
                into.Code.RemoveRange(at, block.Code.Count);
                into.Next = tail;
                function.Blocks.Insert(function.Blocks.IndexOf(into) + 1, tail);
                into = tail;
            }
            var location = block.Code[0].Location;
            block.Code.Clear();
            block.Code.Add(new MachineInstr(Instruction.Goto(0)) { Target = into, Location = location });
            block.Next = null;
        }
    }

    private static bool EndsWith(List<MachineInstr> code, List<MachineInstr> tail) =>
        code.Skip(code.Count - tail.Count).Zip(tail).All(p => Same(p.First, p.Second));

    private static bool Same(MachineInstr a, MachineInstr b) =>
        a.Template.Equals(b.Template) && a.Dst == b.Dst && a.Src == b.Src && a.Aux == b.Aux && a.IsSetCondition == b.IsSetCondition
        && a.Target is null && b.Target is null && a.CallArguments == b.CallArguments && a.MapRelocation == b.MapRelocation
        && a.GlobalVariable == b.GlobalVariable && Equals(a.Core, b.Core) && ReferenceEquals(a.ConstantData, b.ConstantData);
}
