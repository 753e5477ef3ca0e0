namespace Ebpf.Kernel;

/// <summary>
/// On a helper: its first kernel argument is the program's context, which the compiler passes itself (the C# method
/// does not take it). Tracing programs that receive their arguments as typed C# parameters have no context variable,
/// yet bpf_get_func_ip, bpf_get_attach_cookie and bpf_get_stack need it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ContextArgumentAttribute : Attribute;
