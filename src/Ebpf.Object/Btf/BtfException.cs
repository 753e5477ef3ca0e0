namespace Ebpf.Object.Btf;

/// <summary>
/// Thrown for malformed BTF or BTF.ext data and for questions the data cannot answer
/// (a type id out of range, a loop through typedefs, a size that cannot be computed).
/// The message names the type id, offset or section that is wrong.
/// </summary>
public class BtfException : BpfException
{
    public BtfException(string message) : base(message) { }
    public BtfException(string message, Exception? inner) : base(message, inner) { }
}
