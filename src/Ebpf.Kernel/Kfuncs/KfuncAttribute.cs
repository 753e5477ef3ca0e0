namespace Ebpf.Kernel;

/// <summary>
/// Declares a kernel function (a kfunc: a kernel function exported to BPF, such as <c>bpf_task_from_pid</c>) as a C#
/// method. A call to it becomes a BPF call the loader binds to the function's BTF id in the running kernel, as a call to
/// an <c>extern ... __ksym</c> function does in C. Arguments go in r1-r5 and the result comes back in r0, as for helpers.
/// </summary>
/// <remarks>
/// <para>
/// The method must be static, take at most five parameters, and have parameters and a return type that fit a register:
/// integers, enums, bool, and pointers (to kernel types such as a generated <c>task_struct</c>, to
/// <see cref="KernelTask"/>, or <c>void*</c>). The compiler writes the prototype into the object's BTF with the kernel's
/// names of the pointed-to types, so libbpf and bpftool can check it against the kernel's.
/// </para>
/// <para>
/// Declared <c>static extern</c>, the kfunc has no managed behaviour: a program that calls it cannot run as plain .NET
/// (the runtime fails the call). Give it a body instead to say what it does in managed runs; the compiler never compiles
/// the body, it emits the kernel call.
/// </para>
/// <para>
/// The verifier tracks what kfuncs hand out: a pointer returned by an acquiring kfunc (<c>KF_ACQUIRE</c>, such as
/// <c>bpf_task_from_pid</c>) may be null and must be compared with null before use, and released (<c>bpf_task_release</c>)
/// on every path before the program returns.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Kfunc("bpf_task_from_pid")] static extern task_struct* TaskFromPid(int pid);
/// [Kfunc("bpf_task_release")] static extern void TaskRelease(task_struct* task);
/// </code>
/// </example>
/// <param name="name">The kernel's name of the function; null takes the C# method's name.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class KfuncAttribute(string? name = null) : Attribute
{
    /// <summary>The kernel's name of the function, or null for the method's own name.</summary>
    public string? Name { get; } = name;

    /// <summary>
    /// The object still loads on a kernel without this kfunc (C's <c>__weak</c>): every call to it must then be guarded
    /// with <see cref="Kfunc.Exists(string)"/>, so the verifier sees the call is never reached there.
    /// </summary>
    public bool Weak { get; init; }
}
