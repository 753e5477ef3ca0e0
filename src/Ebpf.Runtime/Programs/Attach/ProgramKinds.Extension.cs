namespace Ebpf;

/// <summary>The extension kind: freplace.</summary>
public static partial class ProgramKinds
{
    /// <summary>An freplace program (<c>freplace/FUNCTION</c>), loaded against a function of another program.</summary>
    public static ExtensionProgram AsExtension(this BpfProgram program) =>
        program.Type == BpfProgramType.Ext ? new ExtensionProgram(program) : throw WrongKind(program, "an freplace (extension) program", "AsExtension");
}
