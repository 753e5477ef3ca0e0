using Ebpf.Asm;
using Ebpf.Object.Btf;
using Ebpf.Object.Sections;
using Ebpf.Object.Writing;

namespace Ebpf.Object.Tests.Writing;

/// <summary>Bad input to the builder throws a BpfException that names the thing at fault and the fix.</summary>
public class BuilderErrorTests
{
    private static readonly Instruction[] ReturnOne = [Instruction.Mov64(Register.R0, 1), Instruction.Exit()];
    private static readonly Instruction[] LoadMap = [Instruction.LoadImm64(Register.R1, 0), Instruction.Mov64(Register.R0, 1), Instruction.Exit()];

    private static FunctionDefinition Prog(string name = "prog", Instruction[]? code = null) => new(name, code ?? ReturnOne);

    [Fact]
    public void Unknown_section_names_the_section_and_the_closest_valid_names()
    {
        var e = Assert.Throws<InvalidSectionNameException>(() => new BpfObjectBuilder().AddProgram("cgroup_skb/egres", Prog()));
        Assert.Contains("cgroup_skb/egres", e.Message);
        Assert.Contains("cgroup_skb/egress", e.Suggestions);
        Assert.IsAssignableFrom<BpfException>(e);
    }

    [Fact]
    public void Program_in_text_or_a_data_section_says_to_use_AddSubprogram()
    {
        var e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram(".text", Prog()));
        Assert.Contains("AddSubprogram", e.Message);
    }

    [Fact]
    public void Relocation_to_an_unknown_map_names_the_map_and_the_known_ones()
    {
        var b = new BpfObjectBuilder();
        var u32 = b.Btf.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
        b.AddMap(new MapDefinition("traffic", BpfMapType.Array, 1) { KeyTypeId = u32, ValueTypeId = u32 });
        b.AddProgram("xdp", Prog(code: LoadMap) with { Relocations = [CodeRelocation.Map(0, "trafic")] });
        var e = Assert.Throws<ObjectBuildException>(() => b.Build());
        Assert.Contains("program 'prog' (xdp), instruction 0", e.Message);
        Assert.Contains("'trafic'", e.Message);
        Assert.Contains("AddMap", e.Message);
        Assert.Contains("traffic", e.Message.Replace("'trafic'", ""));
    }

    [Fact]
    public void Relocations_to_unknown_variables_and_functions_name_them()
    {
        var b = new BpfObjectBuilder();
        b.AddProgram("xdp", Prog(code: LoadMap) with { Relocations = [CodeRelocation.Variable(0, "limit")] });
        Assert.Contains("variable 'limit'", Assert.Throws<ObjectBuildException>(() => b.Build()).Message);

        b = new BpfObjectBuilder();
        b.AddProgram("xdp", Prog(code: [Instruction.CallPseudo(0), Instruction.Exit()]) with { Relocations = [CodeRelocation.Call(0, "helper")] });
        Assert.Contains("'helper'", Assert.Throws<ObjectBuildException>(() => b.Build()).Message);

        b = new BpfObjectBuilder();
        b.AddProgram("xdp", Prog("other"));
        b.AddProgram("xdp", Prog(code: [Instruction.CallPseudo(0), Instruction.Exit()]) with { Relocations = [CodeRelocation.Call(0, "other")] });
        Assert.Contains("programs cannot be called", Assert.Throws<ObjectBuildException>(() => b.Build()).Message);
    }

    [Fact]
    public void Relocation_index_out_of_range_names_the_index_and_the_count()
    {
        var e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog() with { Relocations = [CodeRelocation.Map(2, "m")] }));
        Assert.Contains("instruction 2", e.Message);
        Assert.Contains("has 2 instructions", e.Message);
    }

    [Fact]
    public void Relocation_on_the_wrong_instruction_says_what_it_needs()
    {
        var e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog() with { Relocations = [CodeRelocation.Map(0, "m")] }));
        Assert.Contains("not a 64-bit immediate load", e.Message);
        e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog() with { Relocations = [CodeRelocation.Call(0, "f")] }));
        Assert.Contains("not a call", e.Message);
    }

    [Fact]
    public void Line_infos_must_start_at_zero_and_increase()
    {
        var e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog() with { Lines = [new SourceLine(1, "a.cs", "x", 1, 1)] }));
        Assert.Contains("instruction 0", e.Message);
        e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog() with { Lines = [new SourceLine(0, "a.cs", "x", 1, 1), new SourceLine(0, "a.cs", "y", 2, 1)] }));
        Assert.Contains("increasing", e.Message);
        e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog() with { Lines = [new SourceLine(5, "a.cs", "x", 1, 1)] }));
        Assert.Contains("instruction 5", e.Message);
    }

    [Fact]
    public void Line_infos_are_given_for_every_function_or_none()
    {
        var b = new BpfObjectBuilder();
        b.AddProgram("xdp", Prog() with { Lines = [new SourceLine(0, "a.cs", "return 1;", 3, 5)] });
        b.AddSubprogram(Prog("helper"));
        var e = Assert.Throws<ObjectBuildException>(() => b.Build());
        Assert.Contains("subprogram 'helper' has no line info", e.Message);
    }

    [Fact]
    public void Duplicate_names_name_both_uses()
    {
        var b = new BpfObjectBuilder();
        var u32 = b.Btf.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
        b.AddProgram("xdp", Prog("counter"));
        var e = Assert.Throws<ObjectBuildException>(() => b.AddMap(new MapDefinition("counter", BpfMapType.Array, 1) { KeyTypeId = u32, ValueTypeId = u32 }));
        Assert.Contains("map 'counter'", e.Message);
        Assert.Contains("already used by a program", e.Message);
        Assert.Throws<ObjectBuildException>(() => b.AddSubprogram(Prog("counter")));
        Assert.Throws<ObjectBuildException>(() => b.AddVariable(".data", "counter", u32, new byte[4]));
    }

    [Fact]
    public void Names_the_kernel_refuses_are_refused_with_the_rule()
    {
        var e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddProgram("xdp", Prog("<Main>g__Local|0_0")));
        Assert.Contains("not a C identifier", e.Message);
    }

    [Fact]
    public void Variables_need_a_data_section_bytes_and_zeros_in_bss()
    {
        var b = new BpfObjectBuilder();
        var u32 = b.Btf.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
        Assert.Contains(".data, .rodata, .bss", Assert.Throws<ObjectBuildException>(() => b.AddVariable(".maps", "x", u32, new byte[4])).Message);
        Assert.Contains("put the variable in .data", Assert.Throws<ObjectBuildException>(() => b.AddVariable(".bss", "x", u32, [1, 0, 0, 0])).Message);
        Assert.Contains("no bytes", Assert.Throws<ObjectBuildException>(() => b.AddVariable(".data", "x", u32, [])).Message);
        Assert.Contains("type id 99", Assert.Throws<ObjectBuildException>(() => b.AddVariable(".data", "x", 99, new byte[4])).Message);
    }

    [Fact]
    public void Adding_after_building_is_refused()
    {
        var b = new BpfObjectBuilder();
        b.AddProgram("xdp", Prog());
        b.Build();
        Assert.Contains("already built", Assert.Throws<ObjectBuildException>(() => b.AddProgram("xdp", Prog("second"))).Message);
    }

    [Fact]
    public void Empty_function_is_refused()
    {
        var e = Assert.Throws<ObjectBuildException>(() => new BpfObjectBuilder().AddSubprogram(new FunctionDefinition("f", [])));
        Assert.Contains("subprogram 'f' has no instructions", e.Message);
    }
}
