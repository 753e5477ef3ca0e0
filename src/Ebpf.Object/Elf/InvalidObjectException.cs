namespace Ebpf.Object;

/// <summary>The bytes are not a BPF object this library can read: the message says what is wrong and where.</summary>
public class InvalidObjectException : BpfException
{
    public InvalidObjectException(string message, Exception? inner = null) : base(message, inner) { }
}
