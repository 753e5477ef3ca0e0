using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

// The compiler constructs each attribute from metadata; these exceptions become build errors with file and line.
public sealed class AttributeValidationTests
{
    public static TheoryData<string, Func<object>> Invalid() => new()
    {
        { "CgroupSkbDirection value 7", () => new CgroupSkbAttribute((CgroupSkbDirection)7) },
        { "CgroupSockHook value -1", () => new CgroupSockAttribute((CgroupSockHook)(-1)) },
        { "SockAddrHook value 99", () => new CgroupSockAddrAttribute((SockAddrHook)99) },
        { "SockoptHook value 2", () => new CgroupSockoptAttribute((SockoptHook)2) },
        { "XdpAttachPoint value 3", () => new XdpAttribute((XdpAttachPoint)3) },
        { "TrafficDirection value 2", () => new TcxAttribute((TrafficDirection)2) },
        { "TrafficDirection value 5", () => new TcClassifierAttribute((TrafficDirection)5) },
        { "NetkitSide value 2", () => new NetkitAttribute((NetkitSide)2) },
        { "SkSkbKind value 3", () => new SkSkbAttribute((SkSkbKind)3) },
        { "LwtHook value 4", () => new LwtAttribute((LwtHook)4) },
        { "non-empty tracepoint category", () => new TracePointAttribute("", "sched_switch") },
        { "non-empty tracepoint name", () => new TracePointAttribute("sched", " ") },
        { "tracepoint name \"a/b\" holds '/'", () => new TracePointAttribute("sched", "a/b") },
        { "non-empty tracepoint name", () => new RawTracePointAttribute(null!) },
        { "cannot be both Writable and Sleepable", () => new RawTracePointAttribute("x") { Writable = true, Sleepable = true } },
        { "non-empty tracepoint name", () => new TpBtfAttribute("") },
        { "non-empty kernel function name", () => new FEntryAttribute("") },
        { "kernel function name \"do sys\" holds ' '", () => new FExitAttribute("do sys") },
        { "non-empty kernel function name", () => new FModRetAttribute("") },
        { "non-empty function name", () => new FReplaceAttribute("") },
        { "non-empty LSM hook name", () => new LsmAttribute("") },
        { "non-empty LSM hook name", () => new LsmCgroupAttribute("") },
        { "non-empty iterator target", () => new IterAttribute("") },
        { "non-empty kernel function name", () => new KProbeAttribute("") },
        { "offset must be 0 or positive", () => new KProbeAttribute("f", -1) },
        { "non-empty kernel function name", () => new KRetProbeAttribute("") },
        { "function pattern \"tcp_*/\" holds '/'", () => new KProbeMultiAttribute("tcp_*/") },
        { "non-empty system call name", () => new KSyscallAttribute("") },
        { "path of a binary", () => new UProbeAttribute("", "malloc") },
        { "holds ':'", () => new UProbeAttribute("/bin/a:b", "malloc") },
        { "non-empty function name", () => new URetProbeAttribute("/bin/bash", "") },
        { "non-empty USDT provider", () => new UsdtAttribute("/bin/x", "", "probe") },
        { "non-empty struct_ops member name", () => new StructOpsAttribute("") },
        { "needs a license name", () => new LicenseAttribute("") },
        { "must not hold NUL", () => new LicenseAttribute("GPL\0") },
        { "must be a C identifier", () => new MapAttribute("my-map") },
        { "must be a C identifier", () => new MapAttribute("1map") },
        { "keeps 15", () => new MapAttribute("a_very_long_map_name") },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_arguments_throw_ArgumentException_that_says_why(string expectedText, Func<object> create)
    {
        var e = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Contains(expectedText, e.Message);
    }

    [Fact]
    public void Enum_errors_list_the_valid_values()
    {
        var e = Assert.Throws<ArgumentException>(() => new CgroupSkbAttribute((CgroupSkbDirection)2));
        Assert.Contains("CgroupSkbDirection.Ingress", e.Message);
        Assert.Contains("CgroupSkbDirection.Egress", e.Message);
        Assert.Equal("direction", e.ParamName);
    }

    [Fact]
    public void Maps_refuse_bad_sizes()
    {
        Assert.ThrowsAny<ArgumentException>(() => new HashMap<uint, ulong>(0));
        Assert.ThrowsAny<ArgumentException>(() => new ArrayMap<ulong>(-1));
        Assert.ThrowsAny<ArgumentException>(() => new RingBuffer(1000));
        Assert.ThrowsAny<ArgumentException>(() => new RingBuffer(2048));
        Assert.Equal(4096, new RingBuffer(4096).MaxEntries);
        Assert.Equal(0, new PerfEventArray().MaxEntries);
    }

    [Fact]
    public void Address_constants_are_checked()
    {
        Assert.Throws<ArgumentException>(() => Net.IPv4("10.1.2"));
        Assert.Throws<ArgumentException>(() => Net.IPv4("::1"));
        Assert.Throws<ArgumentException>(() => Net.IPv4("banana"));
        Assert.Throws<ArgumentException>(() => Net.IPv6("10.1.2.3"));
    }
}
