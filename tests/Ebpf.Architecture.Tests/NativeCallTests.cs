namespace Ebpf.Architecture.Tests;

/// <summary>Only the native layer calls the operating system: no other assembly declares a P/Invoke.</summary>
public class NativeCallTests
{
    public static TheoryData<string> NonNative => [.. Products.All.Where(p => p != Products.Native)];

    [Theory]
    [MemberData(nameof(NonNative))]
    public void Declares_no_native_calls(string assembly) =>
        Assert.Empty(NativeCalls.In(Products.PathOf(assembly)));

    // The detector on real metadata that has P/Invokes: the native layer's, and this assembly's bad input
    // (a DllImport and a LibraryImport, whose generated stub is itself a P/Invoke).
    [Fact]
    public void The_native_layer_is_found_calling_the_system()
    {
        Assert.Contains(NativeCalls.In(Products.PathOf(Products.Native)), c => c.Contains("from libc", StringComparison.Ordinal));
    }

    [Fact]
    public void A_native_call_in_a_bad_input_is_reported()
    {
        var found = NativeCalls.In(typeof(NativeCallTests).Assembly.Location);
        Assert.Contains(found, c => c.Contains("NativeCallFixture.GetPid imports getpid from libc", StringComparison.Ordinal));
        Assert.Contains(found, c => c.Contains("imports getppid from libc", StringComparison.Ordinal));
    }
}
