using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;
using P = Ebpf.Compiler.Corpus.TypedGlobalPrograms;

namespace Ebpf.Compiler.Tests;

/// <summary>
/// Globals of bool, char, enum and struct types both ways: set by the user (before load and live) and read back, written by
/// the program and read by the user, with the sizes the compiler gives them (bool 1 byte, char 2), not marshalled sizes.
/// </summary>
public class TypedGlobalVariableTests
{
    // The compiler takes the statics' current values as the initial ones: compile before any test changes them (an
    // explicit static constructor runs before the first test instance, a field initializer only at first use).
    private static readonly byte[] Elf;
    private static readonly byte[] Frame = TestFrames.Ethernet(TestFrames.IPv4Packet(100));

    static TypedGlobalVariableTests() => Elf = ProgramCompiler.Compile(typeof(P));

    [KernelFact]
    public void The_programs_initial_values_are_read_back_and_its_outputs_match_dotnet()
    {
        Inputs(true, 'a', Mode.Watch, Level.Mid, new Rule { Enabled = true, Tag = 'r', Mode = Mode.Block });
        using var bpf = BpfObject.Load(Elf);
        using var data = bpf.GlobalData(".data");
        Assert.True(data.Get<bool>(nameof(P.Enabled)));
        Assert.Equal('a', data.Get<char>(nameof(P.Letter)));
        Assert.Equal(Mode.Watch, data.Get<Mode>(nameof(P.Mode)));
        Assert.Equal(Level.Mid, data.Get<Level>(nameof(P.Level)));
        Assert.Equal(new Rule { Enabled = true, Tag = 'r', Mode = Mode.Block }, data.Get<Rule>(nameof(P.Rule)));
        RunBoth(bpf);
    }

    [KernelFact]
    public void Values_set_before_load_are_read_back_and_seen_by_the_program()
    {
        var rule = new Rule { Enabled = false, Tag = 'Q', Mode = Mode.Off };
        var options = new BpfLoadOptions()
            .SetVariable(nameof(P.Enabled), false)
            .SetVariable(nameof(P.Letter), 'Ж') // beyond one byte: a char is two
            .SetVariable(nameof(P.Mode), Mode.Block)
            .SetVariable(nameof(P.Level), Level.High)
            .SetVariable(nameof(P.Rule), rule);
        Inputs(false, 'Ж', Mode.Block, Level.High, rule);
        using var bpf = BpfObject.Load(Elf, options);
        using var data = bpf.GlobalData(".data");
        Assert.False(data.Get<bool>(nameof(P.Enabled)));
        Assert.Equal('Ж', data.Get<char>(nameof(P.Letter)));
        Assert.Equal(Mode.Block, data.Get<Mode>(nameof(P.Mode)));
        Assert.Equal(Level.High, data.Get<Level>(nameof(P.Level)));
        Assert.Equal(rule, data.Get<Rule>(nameof(P.Rule)));
        RunBoth(bpf);
    }

    [KernelFact]
    public void Values_set_live_are_seen_by_the_running_program()
    {
        using var bpf = BpfObject.Load(Elf);
        using var data = bpf.GlobalData(".data");
        foreach (var (enabled, letter, mode, level, ruleEnabled) in new[]
                 {
                     (true, 'x', Mode.Off, Level.Low, true), (false, '\uffff', Mode.Block, Level.High, true), (true, '0', Mode.Watch, Level.Mid, false),
                 })
        {
            var rule = new Rule { Enabled = ruleEnabled, Tag = (char)(letter - 1), Mode = mode };
            data.Set(nameof(P.Enabled), enabled);
            data.Set(nameof(P.Letter), letter);
            data.Set(nameof(P.Mode), mode);
            data.Set(nameof(P.Level), level);
            data.Set(nameof(P.Rule), rule);
            Inputs(enabled, letter, mode, level, rule);
            RunBoth(bpf);
        }
    }

    [KernelFact]
    public void Read_only_bool_and_char_constants_set_before_load_decide_the_verdict()
    {
        var options = new BpfLoadOptions().SetVariable(nameof(P.Strict), true).SetVariable(nameof(P.Separator), 'z').SetVariable(nameof(P.Letter), 'z');
        using var bpf = BpfObject.Load(Elf, options);
        using var rodata = bpf.GlobalData(".rodata");
        using var data = bpf.GlobalData(".data");
        using var bss = bpf.GlobalData(".bss");
        Assert.True(rodata.Get<bool>(nameof(P.Strict)));
        Assert.Equal('z', rodata.Get<char>(nameof(P.Separator)));
        var program = bpf.Programs[nameof(P.Run)];
        Assert.Equal(SkbVerdict.Drop, (SkbVerdict)program.TestRun(Frame).ReturnValue); // Strict and Letter == Separator
        Assert.Equal((char)('r' + 'z'), bss.Get<Rule>(nameof(P.Echo)).Tag);
        data.Set(nameof(P.Letter), 'y');
        Assert.Equal(SkbVerdict.Pass, (SkbVerdict)program.TestRun(Frame).ReturnValue);
    }

    [KernelFact]
    public void A_type_of_another_size_is_refused_naming_both_sizes()
    {
        using var bpf = BpfObject.Load(Elf);
        using var data = bpf.GlobalData(".data");
        var e = Assert.Throws<BpfException>(() => data.Get<ushort>(nameof(P.Enabled)));
        Assert.Contains("is 1 bytes", e.Message);
        Assert.Contains("is 2 bytes", e.Message);
        Assert.Throws<BpfException>(() => data.Set(nameof(P.Rule), 0L));
        Assert.ThrowsAny<BpfException>(() => BpfObject.Load(Elf, new BpfLoadOptions().SetVariable(nameof(P.Letter), 1u)));
    }

    private static void Inputs(bool enabled, char letter, Mode mode, Level level, Rule rule)
    {
        P.Enabled = enabled;
        P.Letter = letter;
        P.Mode = mode;
        P.Level = level;
        P.Rule = rule;
    }

    /// <summary>Runs the program in the kernel and as .NET over the same inputs: the verdicts and every output agree.</summary>
    private static void RunBoth(BpfObject bpf)
    {
        using var bss = bpf.GlobalData(".bss");
        var kernel = (SkbVerdict)bpf.Programs[nameof(P.Run)].TestRun(Frame).ReturnValue;
        var expected = P.Run(SkBuffContext.ForTest(TestFrames.IPv4Packet(100), protocol: EtherType.IPv4));
        Assert.Equal(expected, kernel);
        Assert.Equal(P.NotEnabled, bss.Get<bool>(nameof(P.NotEnabled)));
        Assert.Equal(P.NextLetter, bss.Get<char>(nameof(P.NextLetter)));
        Assert.Equal(P.NextMode, bss.Get<Mode>(nameof(P.NextMode)));
        Assert.Equal(P.SeenLevel, bss.Get<Level>(nameof(P.SeenLevel)));
        Assert.Equal(P.Echo, bss.Get<Rule>(nameof(P.Echo)));
    }
}
