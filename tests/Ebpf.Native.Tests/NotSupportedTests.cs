namespace Ebpf.Native.Tests;

/// <summary>"Not supported" is one predicate over both errnos the kernel uses for it (the kernel's own answer: Ebpf.Loader.Tests' KernelNameTests).</summary>
public class NotSupportedTests
{
    [Theory]
    [InlineData(95, true)]    // EOPNOTSUPP
    [InlineData(524, true)]   // ENOTSUPP, kernel-internal
    [InlineData(22, false)]   // EINVAL
    [InlineData(1, false)]    // EPERM
    [InlineData(38, false)]   // ENOSYS
    public void Both_not_supported_errnos_and_only_they_count(int errno, bool expected)
    {
        var e = new BpfSyscallException(BpfCommand.ProgTestRun, "BPF_PROG_TEST_RUN", errno, null, null, null);
        Assert.Equal(expected, e.IsNotSupported);
    }
}
