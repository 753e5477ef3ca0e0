using System.Runtime.CompilerServices;
using Ebpf.Build;

namespace Ebpf.Compiler.Tests;

/// <summary>This project's classes of programs are not embedded by a build step: the tests opt in to compiling them when loaded.</summary>
internal static class RuntimeCompilationSetup
{
    [ModuleInitializer]
    internal static void Enable() => RuntimeCompilation.Enable();
}
