namespace Ebpf.Compiler;

/// <summary>
/// Code the compiler cannot turn into BPF, with where it is and how to fix it. The message follows the build-error
/// shape <c>file(line,col): error CODE: message</c> when the source location is known.
/// </summary>
public class CompilerException : BpfException
{
    public CompilerException(string message) : base(message) { }

    public CompilerException(SourceLocation? location, string code, string message)
        : base(location is { } l ? $"{l}: error {code}: {message}" : $"error {code}: {message}")
    {
        Location = location;
        Code = code;
    }

    public SourceLocation? Location { get; }
    public string? Code { get; }
}

/// <summary>A place in a source file, from the portable PDB's sequence points.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}({Line},{Column})";
}
