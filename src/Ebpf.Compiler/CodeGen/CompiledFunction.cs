using Ebpf.Asm;

namespace Ebpf.Compiler.CodeGen;

/// <summary>A C# method compiled to a BPF function: arguments in r1-r5, result in r0, its own stack frame.</summary>
public sealed record CompiledFunction(string Name, Instruction[] Instructions, int StackBytes, IReadOnlyList<(int Slot, SourceLocation Location)> Lines);
