using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>A C# sysctl program with a stackalloc'd span and a u8 literal, attached to a real cgroup.</summary>
public class SysctlProgramTests
{
    [Fact]
    public void Dotnet_replaces_the_written_value()
    {
        var context = SysctlContext.ForTest("net/ipv4/ip_default_ttl", currentValue: "64\n", newValue: "100\n");
        Assert.Equal(CgroupVerdict.Allow, SysctlPrograms.PinTtl(context));
        Assert.Equal("77", context.NewValue);
    }

    [KernelFact]
    public void Writes_from_the_cgroup_become_the_programs_value()
    {
        using var lab = new TrafficLab();
        using var bpf = BpfObject.Load(ProgramCompiler.Compile(typeof(SysctlPrograms)));
        using var attachment = bpf.Programs[nameof(SysctlPrograms.PinTtl)].AsCgroupProgram().Attach(lab.Cgroup);
        // The lab's own network namespace: its TTL setting touches nothing else.
        // os.write: the kernel reports the replaced value's length, which Python's buffered files take for an error.
        const string script = """
            import os
            path = '/proc/sys/net/ipv4/ip_default_ttl'
            fd = os.open(path, os.O_WRONLY)
            os.write(fd, b'100')
            os.close(fd)
            print(open(path).read().strip())
            """;
        Assert.Equal("77", lab.RunClient(script).Trim());
        Assert.Equal("100", lab.RunClient(script, inCgroup: false).Trim());
    }
}
