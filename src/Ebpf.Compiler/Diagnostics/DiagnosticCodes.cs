namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Codes of the program-level checks, which run before code generation (EBPF001-039 belong to the function compiler).
/// Codes are part of the build-error surface users search for, so a code keeps its meaning once released.
/// </summary>
internal static class DiagnosticCodes
{
    /// <summary>An attribute's constructor or property refused its argument (an undefined enum value, an empty attach point).</summary>
    public const string InvalidAttributeArgument = "EBPF040";

    /// <summary>A program method's shape (static, parameter, return type) does not fit its program attribute.</summary>
    public const string ProgramSignature = "EBPF041";

    /// <summary>A virtual, interface or class-instance call (callvirt) outside the kernel-side library.</summary>
    public const string VirtualCall = "EBPF042";

    /// <summary>A cycle in the call graph of a program.</summary>
    public const string Recursion = "EBPF043";

    /// <summary>A loop with no way out: no break, return or exit condition.</summary>
    public const string EndlessLoop = "EBPF044";

    /// <summary>A loop whose exit conditions read nothing the loop changes.</summary>
    public const string InvariantLoopCondition = "EBPF045";

    /// <summary>Two program attributes on one method.</summary>
    public const string SeveralProgramAttributes = "EBPF046";

    /// <summary>A [Kfunc] method the kernel cannot call as declared: not static, generic, over five parameters, or a parameter or result that does not fit a register.</summary>
    public const string KfuncDeclaration = "EBPF100";

    /// <summary>Kfunc.Exists without a literal name, naming no declared kfunc, or naming one that is not weak.</summary>
    public const string KfuncExists = "EBPF101";
}
