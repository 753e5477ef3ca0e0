using Ebpf.Asm;
using Ebpf.Linking;
using Ebpf.Object;
using Ebpf.Object.Relocations;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Linking;

public class ProgramLinkerTests
{
    [Fact]
    public void Appends_reachable_subprograms_once_and_retargets_calls()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("subprog"));
        var linked = ProgramLinker.Link(obj.FindProgram("prog_b")!);
        Assert.Equal(["prog_b", "fold", "global_helper", "add_mul"], linked.Layout.Select(l => l.Function.Name));
        Assert.Equal(linked.Layout.Sum(l => l.Function.SlotCount), linked.SlotCount);
        Assert.Equal(linked.SlotCount, linked.Instructions.Sum(i => i.Slots));

        // Every pseudo call now lands exactly on the first instruction of the function it called in the object.
        var slotMap = SlotMap.For(linked.Instructions);
        for (var i = 0; i < linked.Instructions.Length; i++)
        {
            var ins = linked.Instructions[i];
            if (!ins.IsPseudoCall) continue;
            var at = slotMap.SlotOf(i);
            var (caller, local) = linked.Locate(at);
            var original = caller.Relocations.Single(r => r.InstructionOffset == local && r.Kind == RelocationKind.Call);
            var target = at + 1 + ins.Imm;
            Assert.Contains(linked.Layout, l => l.StartSlot == target && l.Function == original.Target);
        }
        Assert.Empty(linked.Relocations); // only calls, all resolved
    }

    [Fact]
    public void Moves_func_and_line_info_to_the_linked_layout()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("subprog"));
        var linked = ProgramLinker.Link(obj.FindProgram("prog_a")!);
        Assert.Equal(linked.Layout.Count, linked.FuncInfos.Count);
        Assert.Equal(linked.Layout.Select(l => l.StartSlot), linked.FuncInfos.Select(f => f.InstructionOffset));
        Assert.All(linked.LineInfos, l => Assert.InRange(l.InstructionOffset, 0, linked.SlotCount - 1));
        Assert.Equal(linked.LineInfos.OrderBy(l => l.InstructionOffset).Select(l => l.InstructionOffset), linked.LineInfos.Select(l => l.InstructionOffset));
    }

    [Fact]
    public void Keeps_map_and_data_relocations_for_the_loader()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("global_data"));
        var linked = ProgramLinker.Link(obj.FindProgram("use_globals")!);
        Assert.Equal(obj.FindProgram("use_globals")!.Relocations, linked.Relocations);
        Assert.Single(linked.Layout);
    }
}
