namespace Ebpf.Object.Writing;

/// <summary>
/// The input given to <see cref="BpfObjectBuilder"/> cannot make a valid object: the message names the program, map,
/// variable or instruction at fault and says how to fix it. Section names the table refuses raise
/// <see cref="Sections.InvalidSectionNameException"/> instead, with the closest valid names.
/// </summary>
public sealed class ObjectBuildException : BpfException
{
    public ObjectBuildException(string message) : base(message) { }
}
