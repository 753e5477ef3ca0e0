namespace Ebpf.Kernel;

/// <summary>
/// A member that exists for managed runs only (building test contexts, inspecting maps, filling program arrays): the kernel
/// has no counterpart, so the compiler refuses it inside a program with a build error naming the member.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Constructor, AllowMultiple = false, Inherited = false)]
public sealed class ManagedOnlyAttribute : Attribute;
