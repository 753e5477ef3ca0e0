using Ebpf.Asm;
using Ebpf.CoRe;
using Ebpf.Linking;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.CoRe;

/// <summary>Objects with CO-RE relocations in the real kernel, and what happens to relocations the kernel cannot satisfy.</summary>
public class CoReLoadTests
{
    [KernelFact]
    public void Core_o_loads_whole()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("core"));
        var program = bpf.Programs["on_switch"];
        Assert.Equal(BpfProgramType.Tracing, program.Info.Type);
        // the loaded code holds the kernel's offset of task_struct.real_parent, not the compiled one
        var kernel = Bpftool.Vmlinux.Struct("task_struct");
        var first = program.Linked!.Instructions[0];
        Assert.Equal(kernel.Members["real_parent"].BitsOffset / 8, first.Imm);
        Assert.Empty(CoRePoison.Of(program.Linked));
    }

    [KernelFact]
    public void Accesses_guarded_by_existence_checks_load_although_the_kernel_lacks_the_field_or_enumerator()
    {
        using var bpf = BpfObject.Load(Fixtures.Path("core_missing"), new BpfLoadOptions { Programs = ["guarded", "enum_guarded"] });
        Assert.Equal(2, bpf.Programs.Names.Count());
        Assert.Single(CoRePoison.Of(bpf.Programs["guarded"].Linked!)); // the offset of the read behind the check
        Assert.Single(CoRePoison.Of(bpf.Programs["enum_guarded"].Linked!));
    }

    [KernelFact]
    public void A_reached_unresolved_relocation_is_refused_with_the_relocation_named()
    {
        var e = Assert.Throws<BpfProgramRejectedException>(() =>
            BpfObject.Load(Fixtures.Path("core_missing"), new BpfLoadOptions { Programs = ["unguarded"] }));
        Assert.Contains("invalid func unknown#195896080", e.Log);
        Assert.Contains("CO-RE relocation could not be resolved", e.Message);
        Assert.Contains("struct no_such_kernel_type.b", e.Message);
        Assert.Contains("the kernel's BTF has no struct no_such_kernel_type", e.Message);
        Assert.Equal(0, e.Instruction);
    }

    [Fact]
    public void Unresolved_relocations_poison_their_instruction_and_both_slots_of_an_ld_imm64()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("core_missing"));
        var target = KernelLike();

        var unguarded = CoReRelocator.Apply(obj, ProgramLinker.Link(obj.Programs.Single(p => p.Name == "unguarded")), target);
        Assert.True(CoRePoison.IsPoison(unguarded.Instructions[0]));
        Assert.Equal(new Instruction(OpCode.Call, Register.R0, Register.R0, 0, 0xbad2310), unguarded.Instructions[0]);
        var p = Assert.Single(CoRePoison.Of(unguarded));
        Assert.Equal((0, 0), (p.Slot, p.Relocation));
        Assert.Contains("byte_off [", p.Description);

        // enum_guarded: exists -> 0 in its LD_IMM64, the value's LD_IMM64 becomes two poison calls (same slot count)
        var linked = ProgramLinker.Link(obj.Programs.Single(p => p.Name == "enum_guarded"));
        var enumGuarded = CoReRelocator.Apply(obj, linked, target);
        Assert.Equal(0L, enumGuarded.Instructions[0].Constant);
        Assert.True(enumGuarded.Instructions[2].IsHelperCall && enumGuarded.Instructions[3].IsHelperCall);
        Assert.Equal(SlotMap.For(linked.Instructions).SlotCount, SlotMap.For(enumGuarded.Instructions).SlotCount);
        Assert.Equal(linked.Instructions.Length + 1, enumGuarded.Instructions.Length);
    }

    [Fact]
    public void A_program_without_relocations_is_returned_as_is()
    {
        var obj = BpfObjectFile.Read(Fixtures.Path("minimal"));
        var linked = ProgramLinker.Link(obj.Programs[0]);
        Assert.Same(linked, CoReRelocator.Apply(obj, linked, new BtfBuilder().Build()));
    }

    /// <summary>A stand-in kernel, so this runs without root or sysfs: a task_struct without the field the fixture probes for.</summary>
    private static Btf KernelLike()
    {
        var b = new BtfBuilder();
        var i32 = b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
        b.Add(new BtfStruct { Name = "task_struct", Size = 4, Members = [new BtfMember("pid", i32, 0)] });
        return b.Build();
    }
}
