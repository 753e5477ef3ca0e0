using System.Reflection;
using System.Reflection.Metadata.Ecma335;
using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Diagnostics;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.Tests;

public class ProgramDiagnosticTests
{
    [Theory]
    [InlineData(typeof(BadPrograms.UndefinedDirection), "EBPF040", "[CgroupSkb] got CgroupSkbDirection value 7, which names none; use one of CgroupSkbDirection.Ingress, CgroupSkbDirection.Egress. (on UndefinedDirection.Run)", 11)]
    [InlineData(typeof(BadPrograms.EmptyTracePoint), "EBPF040", "[TracePoint] needs a non-empty tracepoint name.", 19)]
    [InlineData(typeof(BadPrograms.WritableAndSleepable), "EBPF040", "cannot be both Writable and Sleepable", 26)] // thrown by a setter: wrapped twice by reflection
    [InlineData(typeof(BadPrograms.EmptyLicense), "EBPF040", "[License] needs a license name", 30)]
    [InlineData(typeof(BadPrograms.BadMapName), "EBPF040", "[Map] name \"no-dashes\" must be a C identifier", 40)]
    [InlineData(typeof(BadPrograms.TwoKinds), "EBPF046", "has [CgroupSkb] and [Xdp]; a method is one program of one kind", 51)]
    [InlineData(typeof(BadPrograms.WrongContext), "EBPF041", "[CgroupSkb] program Egress must be 'static SkbVerdict Egress(SkBuffContext skb)'; it takes (XdpContext)", 59)]
    [InlineData(typeof(BadPrograms.WrongVerdict), "EBPF041", "[Xdp] program Run must be 'static XdpAction Run(XdpContext xdp)'; it returns int", 66)]
    [InlineData(typeof(BadPrograms.InstanceProgram), "EBPF041", "must be 'static SkbVerdict Run(SkBuffContext skb)'; it is an instance method", 76)]
    [InlineData(typeof(BadPrograms.ProbeReturnsBool), "EBPF041", "[KProbe] program Run must be 'static int Run(PtRegsContext regs)' (uint, long or ulong may be returned instead of int; or with one raw pointer parameter such as 'void* ctx'); it returns bool", 83)]
    [InlineData(typeof(BadPrograms.InterfaceCall), "EBPF042", "the call to IRule.Allows is a virtual, interface or instance call (callvirt); BPF has no objects or virtual dispatch", 97)]
    [InlineData(typeof(BadPrograms.MutualRecursion), "EBPF043", "recursion Count -> Walk -> Count: the verifier refuses a call cycle", 108)]
    [InlineData(typeof(BadPrograms.SelfRecursion), "EBPF043", "recursion Digits -> Digits", 117)]
    [InlineData(typeof(BadPrograms.EndlessLoop), "EBPF044", "this loop never ends: it has no break, return or condition that leaves it", 127)]
    [InlineData(typeof(BadPrograms.ForgottenDecrement), "EBPF045", "its exit condition reads only 'n', which nothing in the loop changes", 143)]
    [InlineData(typeof(BadPrograms.LogsAStruct), "EBPF076", "a log value of type IPv6Address cannot be sent; log integers, bool, char and enums", 177)]
    [InlineData(typeof(BadPrograms.HelperNotAllowed), "EBPF074", "helper bpf_skb_cgroup_id (#79) is not available to SocketFilter programs", 167)]
    [InlineData(typeof(BadPrograms.FuncIpInTpBtf), "EBPF074", "helper bpf_get_func_ip (#173) is not available to 'tp_btf' programs", 187)]
    [InlineData(typeof(BadPrograms.VerdictFromLength), "EBPF073", "may return a value the compiler cannot bound, which is not a SkbVerdict; return one of SkbVerdict.Drop, SkbVerdict.Pass", 157)]
    public void Refused_with_code_file_line_and_fix(Type programs, string code, string fragment, int line)
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(programs));
        Assert.Equal(code, e.Code);
        Assert.Contains(fragment, e.Message);
        Assert.Matches($@"BadPrograms\.cs\({line},\d+\): error {code}: ", e.Message);
    }

    [Theory]
    [InlineData(typeof(BadPrograms.EndlessLoop), "for (var i = 0; i < 64; i++)")]
    [InlineData(typeof(BadPrograms.ForgottenDecrement), "update the condition's variable in the loop")]
    [InlineData(typeof(BadPrograms.MutualRecursion), "rewrite it as a loop with a constant bound")]
    [InlineData(typeof(BadPrograms.InterfaceCall), "make it a static method that takes what it needs as arguments")]
    public void Messages_give_the_fix(Type programs, string fix) =>
        Assert.Contains(fix, Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(programs)).Message);

    [Fact]
    public void The_attribute_is_pointed_at_by_column()
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(typeof(BadPrograms.UndefinedDirection)));
        Assert.Equal(10, e.Location!.Value.Column); // "        [CgroupSkb(": the name, after the bracket
    }

    [Theory]
    [InlineData(typeof(TrafficCounter))]
    [InlineData(typeof(Firewall))]
    [InlineData(typeof(RefusedPrograms))]
    [InlineData(typeof(GoodPrograms))]
    public void Good_programs_pass(Type programs)
    {
        using var input = AssemblyInput.Open(programs.Assembly.Location);
        ProgramChecks.Check(input, programs);
    }

    [Theory]
    [InlineData(typeof(Samples))]
    [InlineData(typeof(SkbPrograms))]
    public void Good_functions_pass(Type functions)
    {
        using var input = AssemblyInput.Open(functions.Assembly.Location);
        var methods = functions.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly);
        Assert.NotEmpty(methods);
        ProgramChecks.CheckCode(input, methods.Select(m => MetadataTokens.MethodDefinitionHandle(m.MetadataToken)));
    }
}
