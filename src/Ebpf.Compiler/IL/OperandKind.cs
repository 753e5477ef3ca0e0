namespace Ebpf.Compiler.IL;

/// <summary>The encoding of a CIL instruction's operand (ECMA-335 partition III).</summary>
internal enum OperandKind
{
    None,
    Int8,
    UInt8,
    Int32,
    Int64,
    Float32,
    Float64,
    UInt16,
    Token,
    ShortBranch,
    Branch,
    Switch,
}
