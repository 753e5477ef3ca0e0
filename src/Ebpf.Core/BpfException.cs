namespace Ebpf;

/// <summary>
/// Root of every exception the library throws on purpose. Messages name what failed
/// (the program, map, section or file), why, and the fix where there is one.
/// </summary>
public class BpfException : Exception
{
    public BpfException(string message) : base(message) { }
    public BpfException(string message, Exception? inner) : base(message, inner) { }
}
