namespace Ebpf;

/// <summary>An object, program or map could not be loaded; the message says which and why.</summary>
public class BpfLoadException : BpfException
{
    public BpfLoadException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The verifier refused a program: the log, the failing instruction and its source line.</summary>
public sealed class BpfProgramRejectedException : BpfLoadException
{
    public BpfProgramRejectedException(string program, string message, string log, int? instruction, string? sourceLine, Exception inner)
        : base(message, inner)
    {
        Program = program; Log = log; Instruction = instruction; SourceLine = sourceLine;
    }

    public string Program { get; }

    /// <summary>The verifier's whole log.</summary>
    public string Log { get; }

    /// <summary>Index (slot) of the last instruction the verifier looked at before refusing, when the log names it.</summary>
    public int? Instruction { get; }

    /// <summary>"file:line: text" of that instruction, from line_info, when the object has it.</summary>
    public string? SourceLine { get; }
}

/// <summary>A map pinned under the pin directory does not match the object's definition.</summary>
public sealed class BpfPinnedMapMismatchException : BpfLoadException
{
    public BpfPinnedMapMismatchException(string map, string path, string field, string expected, string actual)
        : base($"map '{map}': the map pinned at {path} has {field} {actual}, but the object declares {expected}. " +
               $"Remove the pin (rm {path}) or change the map's definition to match.")
    {
        Map = map; Path = path; Field = field;
    }

    public string Map { get; }
    public string Path { get; }
    public string Field { get; }
}
