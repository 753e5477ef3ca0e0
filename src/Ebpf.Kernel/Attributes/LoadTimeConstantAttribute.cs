namespace Ebpf.Kernel;

/// <summary>
/// On a <c>static readonly</c> field of a program class: a constant user space may set before load
/// (<c>new BpfLoadOptions().SetVariable(nameof(X.Field), value)</c>), as C's <c>const volatile</c> globals in .rodata.
/// The kernel's verifier then knows its value, and prunes the branches it decides. Without this attribute a
/// <c>static readonly</c> field is folded into the code at build time. In .NET it is the field's value.
/// </summary>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class LoadTimeConstantAttribute : Attribute;
