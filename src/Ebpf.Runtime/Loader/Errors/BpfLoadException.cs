namespace Ebpf;

/// <summary>An object, program or map could not be loaded; the message says which and why.</summary>
public class BpfLoadException : BpfException
{
    /// <summary>Creates the exception with a message naming the object, program or map, why it failed and the fix.</summary>
    public BpfLoadException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The verifier refused a program: the log, the failing instruction and its source line.</summary>
public sealed class BpfProgramRejectedException : BpfLoadException
{
    /// <summary>Creates the exception for program <paramref name="program"/>, with the verifier's log.</summary>
    /// <param name="program">The program's name.</param>
    /// <param name="message">The summary: what the verifier refused and where.</param>
    /// <param name="log">The verifier's whole log.</param>
    /// <param name="instruction">The instruction the verifier stopped at, when the log names it.</param>
    /// <param name="sourceLine">"file:line: text" of that instruction, when known.</param>
    /// <param name="inner">The syscall error the load returned.</param>
    public BpfProgramRejectedException(string program, string message, string log, int? instruction, string? sourceLine, Exception inner)
        : base(message, inner)
    {
        Program = program; Log = log; Instruction = instruction; SourceLine = sourceLine;
    }

    /// <summary>The name of the refused program.</summary>
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
    /// <summary>Creates the exception for map <paramref name="map"/>, pinned at <paramref name="path"/>, whose <paramref name="field"/> differs.</summary>
    /// <param name="map">The map's name in the object.</param>
    /// <param name="path">The bpffs path of the pinned map.</param>
    /// <param name="field">What differs (type, key size, value size, max_entries, flags).</param>
    /// <param name="expected">The object's value.</param>
    /// <param name="actual">The pinned map's value.</param>
    public BpfPinnedMapMismatchException(string map, string path, string field, string expected, string actual)
        : base($"map '{map}': the map pinned at {path} has {field} {actual}, but the object declares {expected}. " +
               $"Remove the pin (rm {path}) or change the map's definition to match.")
    {
        Map = map; Path = path; Field = field;
    }

    /// <summary>The map's name in the object.</summary>
    public string Map { get; }
    /// <summary>The bpffs path of the pinned map.</summary>
    public string Path { get; }
    /// <summary>What differs: type, key size, value size, max_entries or flags.</summary>
    public string Field { get; }
}
