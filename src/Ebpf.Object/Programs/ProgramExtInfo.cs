using Ebpf.Object.Btf;

namespace Ebpf.Object.Programs;

/// <summary>A func_info record of one function: the BTF FUNC describing the function at that slot.</summary>
public readonly record struct ProgramFuncInfo(int InstructionOffset, int TypeId);

/// <summary>A line_info record: the source line of the instruction at that slot.</summary>
public readonly record struct ProgramLineInfo(int InstructionOffset, string FileName, string LineText, int Line, int Column);

/// <summary>A CO-RE relocation record: the instruction at that slot depends on a field or type of the target kernel.</summary>
public readonly record struct ProgramCoreRelocation(int InstructionOffset, int TypeId, string AccessString, BtfCoreRelocationKind Kind);
