namespace Ebpf.Compiler;

/// <summary>
/// Code the compiler cannot turn into BPF, with where it is and how to fix it. The message follows the build-error
/// shape <c>file(line,col): error CODE: message</c> when the source location is known.
/// </summary>
public class CompilerException : BpfException
{
    /// <summary>A refusal with no source location (the class, its attributes or maps).</summary>
    public CompilerException(string message) : base(message) { }

    /// <summary>A refusal at <paramref name="location"/> (when the PDB has it) with its EBPFnnn <paramref name="code"/>.</summary>
    public CompilerException(SourceLocation? location, string code, string message)
        : base(location is { } l ? $"{l}: error {code}: {message}" : $"error {code}: {message}")
    {
        Location = location;
        Code = code;
    }

    /// <summary>The C# line of the IL that caused the refusal; null when unknown.</summary>
    public SourceLocation? Location { get; }

    /// <summary>The diagnostic code (EBPF001...), as in the message.</summary>
    public string? Code { get; }
}

/// <summary>A place in a source file, from the portable PDB's sequence points.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>file(line,col), as the C# compiler writes locations.</summary>
    public override string ToString() => $"{File}({Line},{Column})";
}
