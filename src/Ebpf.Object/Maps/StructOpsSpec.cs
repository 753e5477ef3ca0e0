namespace Ebpf.Object.Maps;

/// <summary>A function-pointer member of a struct_ops variable and the program its relocation points it at.</summary>
public sealed record StructOpsMember(string Name, int Index, long Offset, string Program);

/// <summary>
/// A struct_ops map: a global variable in <c>.struct_ops</c> or <c>.struct_ops.link</c> whose BTF type is the kernel
/// struct it implements (<c>struct tcp_congestion_ops</c>). <see cref="Data"/> is the variable's bytes as the object
/// holds them (the local layout); <see cref="Members"/> are the function pointers, each set to a program.
/// </summary>
public sealed record StructOpsSpec(string TypeName, int TypeId, byte[] Data, IReadOnlyList<StructOpsMember> Members, bool IsLink);
