using Ebpf.Asm;

namespace Ebpf.Compiler.Ir;

/// <summary>Conditions of jumps: the opposite test, and the same test with its operands swapped.</summary>
internal static class JumpOps
{
    public static JumpOp Invert(JumpOp op) => op switch
    {
        JumpOp.Jeq => JumpOp.Jne,
        JumpOp.Jne => JumpOp.Jeq,
        JumpOp.Jgt => JumpOp.Jle,
        JumpOp.Jle => JumpOp.Jgt,
        JumpOp.Jge => JumpOp.Jlt,
        JumpOp.Jlt => JumpOp.Jge,
        JumpOp.Jsgt => JumpOp.Jsle,
        JumpOp.Jsle => JumpOp.Jsgt,
        JumpOp.Jsge => JumpOp.Jslt,
        JumpOp.Jslt => JumpOp.Jsge,
        _ => throw new InvalidOperationException(op.ToString()),
    };

    public static JumpOp Mirror(JumpOp op) => op switch
    {
        JumpOp.Jgt => JumpOp.Jlt,
        JumpOp.Jlt => JumpOp.Jgt,
        JumpOp.Jge => JumpOp.Jle,
        JumpOp.Jle => JumpOp.Jge,
        JumpOp.Jsgt => JumpOp.Jslt,
        JumpOp.Jslt => JumpOp.Jsgt,
        JumpOp.Jsge => JumpOp.Jsle,
        JumpOp.Jsle => JumpOp.Jsge,
        _ => op,
    };

    /// <summary>The same jump instruction testing the opposite condition.</summary>
    public static Instruction Inverted(Instruction jump) =>
        jump.WithOpCode((byte)((jump.OpCode & 0x0f) | (byte)Invert((JumpOp)(jump.OpCode & 0xf0))));
}
