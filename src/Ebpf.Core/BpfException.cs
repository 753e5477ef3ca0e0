namespace Ebpf;

/// <summary>
/// Root of every exception the library throws on purpose. Messages name what failed
/// (the program, map, section or file), why, and the fix where there is one.
/// </summary>
public class BpfException : Exception
{
    /// <summary>Creates the exception with a message naming what failed, why, and the fix.</summary>
    public BpfException(string message) : base(message) { }
    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public BpfException(string message, Exception? inner) : base(message, inner) { }
}
