namespace Ebpf.Native;

/// <summary>
/// One round of a batch lookup: <see cref="Count"/> elements were copied; <see cref="Done"/> when the kernel reported
/// the end of the map (ENOENT), after which the out-batch token is not to be used again.
/// </summary>
public readonly record struct BatchResult(int Count, bool Done);
