using System.Runtime.InteropServices;

namespace Ebpf.Architecture.Tests.BadInputs;

/// <summary>A P/Invoke outside the native layer: the native-call checker's bad input. Never called.</summary>
internal static partial class NativeCallFixture
{
    [DllImport("libc", EntryPoint = "getpid")]
    internal static extern int GetPid();

    [LibraryImport("libc", EntryPoint = "getppid")]
    internal static partial int GetParentPid();
}
