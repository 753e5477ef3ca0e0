namespace Ebpf.Object.Sections;

/// <summary>
/// A program's ELF section name that no table entry matches. The message names the section (and the program
/// when known) and the valid names closest to it.
/// </summary>
public sealed class InvalidSectionNameException : BpfException
{
    public InvalidSectionNameException(string section, string? programName, InvalidSectionNameReason reason,
        IReadOnlyList<string> suggestions, string message)
        : base(message)
    {
        Section = section;
        ProgramName = programName;
        Reason = reason;
        Suggestions = suggestions;
    }

    /// <summary>The section name as found.</summary>
    public string Section { get; }

    /// <summary>The program in that section, when the caller knew it.</summary>
    public string? ProgramName { get; }

    public InvalidSectionNameReason Reason { get; }

    /// <summary>Valid section names to use instead, best first.</summary>
    public IReadOnlyList<string> Suggestions { get; }
}
