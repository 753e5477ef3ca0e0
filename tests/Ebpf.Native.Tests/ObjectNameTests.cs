namespace Ebpf.Native.Tests;

/// <summary>The one naming rule for maps and programs (the kernel taking its results: Ebpf.Loader.Tests' KernelNameTests).</summary>
public class ObjectNameTests
{
    [Theory]
    [InlineData("counts", "counts")]
    [InlineData("a.b_C9", "a.b_C9")]
    [InlineData("exactly_15_char", "exactly_15_char")]
    [InlineData("sixteen_chars_ab", "sixteen_chars_a")]
    [InlineData("per-cpu:stats", "per_cpu_stats")]                 // replaced, never dropped: the length stays
    [InlineData("<Main>b__0_0", "_Main_b__0_0")]                    // a C# compiler-generated name
    [InlineData("café", "caf__")]                                   // é is two UTF-8 bytes, as libbpf sees them
    [InlineData("a😀b", "a____b")]                                  // a surrogate pair: four bytes
    [InlineData("ü_long_enough_to_cut", "___long_enough_")]
    [InlineData("", "")]
    public void Names_keep_valid_characters_replace_others_per_utf8_byte_and_stop_at_15(string name, string expected)
    {
        Assert.Equal(expected, BpfObjectName.ForKernel(name));
        Assert.True(BpfObjectName.IsValid(BpfObjectName.ForKernel(name)));
        Assert.Equal(expected == name, BpfObjectName.IsValid(name));
    }

    [Fact]
    public void A_valid_name_is_returned_as_it_is()
    {
        var name = "already.valid";
        Assert.Same(name, BpfObjectName.ForKernel(name));
    }
}
