using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests;

/// <summary>Program classes the compiler must refuse as a whole, one mistake per class; ProgramDiagnosticTests asserts the lines.</summary>
public static class BadPrograms
{
    [License("GPL")]
    public static class UndefinedDirection
    {
        [CgroupSkb((CgroupSkbDirection)7)] // line 11
        public static SkbVerdict Run(SkBuffContext skb) => SkbVerdict.Pass;
    }

    [License("GPL")]
    public static class EmptyTracePoint
    {
        /// <summary>A doc comment between the attribute and the method; ends with a semicolon;</summary>
        [TracePoint("sched", "")] // line 19
        public static int Run() => 0;
    }

    [License("GPL")]
    public static class WritableAndSleepable
    {
        [RawTracePoint("sys_enter", Writable = true, Sleepable = true)] // line 26
        public static int Run() => 0;
    }

    [License("")] // line 30
    public static class EmptyLicense
    {
        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb) => SkbVerdict.Pass;
    }

    [License("GPL")]
    public static class BadMapName
    {
        [Map("no-dashes")] // line 40
        public static readonly ArrayMap<ulong> Counts = new(maxEntries: 1);

        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb) => SkbVerdict.Pass;
    }

    [License("GPL")]
    public static class TwoKinds
    {
        [CgroupSkb]
        [Xdp] // line 51
        public static SkbVerdict Run(SkBuffContext skb) => SkbVerdict.Pass;
    }

    [License("GPL")]
    public static class WrongContext
    {
        [CgroupSkb(CgroupSkbDirection.Egress)]
        public static SkbVerdict Egress(XdpContext skb) => SkbVerdict.Pass; // line 59
    }

    [License("GPL")]
    public static class WrongVerdict
    {
        [Xdp]
        public static int Run(XdpContext xdp) // line 66
        {
            return 2;
        }
    }

    [License("GPL")]
    public sealed class InstanceProgram
    {
        [CgroupSkb]
        public SkbVerdict Run(SkBuffContext skb) => SkbVerdict.Pass; // line 76
    }

    [License("GPL")]
    public static class ProbeReturnsBool
    {
        [KProbe("do_unlinkat")]
        public static bool Run() => true; // line 83
    }

    [License("GPL")]
    public static class InterfaceCall
    {
        private interface IRule { bool Allows(uint length); }

        private sealed class Small : IRule { public bool Allows(uint length) => length < 100; }

        private static readonly IRule Rule = new Small();

        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb) =>
            Rule.Allows(skb.Length) ? SkbVerdict.Pass : SkbVerdict.Drop; // line 97
    }

    [License("GPL")]
    public static class MutualRecursion
    {
        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb) => Count(skb.Length) > 3 ? SkbVerdict.Drop : SkbVerdict.Pass;

        private static uint Count(uint n) => n == 0 ? 0 : 1 + Walk(n / 2);

        private static uint Walk(uint n) => Count(n); // line 108
    }

    [License("GPL")]
    public static class SelfRecursion
    {
        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb) => Digits(skb.Length) > 3 ? SkbVerdict.Drop : SkbVerdict.Pass;

        private static uint Digits(uint n) => n < 10 ? 1 : 1 + Digits(n / 10); // line 117
    }

    [License("GPL")]
    public static class EndlessLoop
    {
        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb)
        {
            var total = 0u;
            while (true) // line 127
            {
                total += skb.Length;
            }
        }
    }

    [License("GPL")]
    public static class ForgottenDecrement
    {
        [CgroupSkb]
        public static SkbVerdict Run(SkBuffContext skb) => Sum(skb.Length) > 100 ? SkbVerdict.Drop : SkbVerdict.Pass;

        private static uint Sum(uint n)
        {
            var sum = 0u;
            while (n > 0) // line 143
            {
                sum += 2;
            }
            return sum;
        }
    }

    [License("GPL")]
    public static class VerdictFromLength
    {
        [CgroupSkb(CgroupSkbDirection.Egress)]
        public static SkbVerdict Run(SkBuffContext skb)
        {
            var verdict = (SkbVerdict)skb.Length; // line 157: the cast is reported
            return verdict;
        }
    }

    [License("GPL")]
    public static class HelperNotAllowed
    {
        [SocketFilter]
        public static uint Run(SkBuffContext skb) =>
            skb.GetCgroupId() == 1 ? 0u : skb.Length; // line 167: socket filters cannot call bpf_skb_cgroup_id
    }

    [License("GPL")]
    public static class LogsAStruct
    {
        [SocketFilter]
        public static uint Run(SkBuffContext skb)
        {
            var address = skb.RemoteIPv6;
            Log.Information($"to {address}"); // line 177: a struct is not a log value
            return 0;
        }
    }

    [License("GPL")]
    public static class FuncIpInTpBtf
    {
        [TpBtf("sched_switch")]
        public static int Run() =>
            Bpf.GetFuncIp() == 0 ? 0 : 1; // line 187: tp_btf has no traced function; fentry/fexit and probes do
    }
}
