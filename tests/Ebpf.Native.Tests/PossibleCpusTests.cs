namespace Ebpf.Native.Tests;

public class PossibleCpusTests
{
    [Theory]
    [InlineData("0\n", 1)]
    [InlineData("0-3\n", 4)]
    [InlineData("0-3,6,8-9", 7)]
    public void Parses_cpu_lists(string list, int count) => Assert.Equal(count, PossibleCpus.Parse(list));

    [Fact]
    public void Rejects_garbage() => Assert.Throws<BpfException>(() => PossibleCpus.Parse("x-y"));

    [Fact]
    public void Reads_this_machine() => Assert.InRange(PossibleCpus.Count, 1, 8192);
}
