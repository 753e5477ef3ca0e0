namespace Ebpf.Kernel;

/// <summary>
/// Marks a struct as the record of one tracepoint (what <c>ebpf generate tracepoint CATEGORY/NAME</c> writes): a
/// <c>[TracePoint(category, name)]</c> program takes a pointer to it, and the compiler refuses a record of another
/// tracepoint at build time.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class TracepointRecordAttribute(string category, string name) : Attribute
{
    public string Category { get; } = category;
    public string Name { get; } = name;
}

/// <summary>
/// Marks a field that holds an address in the memory of a user process (a system call's pointer argument): it is read
/// with <see cref="Bpf.ProbeReadUser"/> or <see cref="Bpf.ProbeReadUserString"/>; passing it to a kernel-memory read is a
/// build error (on x86-64 that read fails with -EFAULT).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class UserMemoryAttribute : Attribute;
