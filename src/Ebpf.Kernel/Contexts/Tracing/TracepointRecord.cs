using System.Runtime.CompilerServices;
using System.Text;

namespace Ebpf.Kernel;

/// <summary>
/// A tracepoint record for tests: a <typeparamref name="T"/> (a struct that <c>ebpf generate tracepoint</c> wrote) followed
/// by room for its <c>__data_loc</c> data, in the kernel memory of <see cref="ManagedKernel.Current"/>, so a program
/// called with <see cref="Pointer"/> reads its fields and strings as it does in the kernel. For tests only: programs never use it.
/// </summary>
public sealed unsafe class TracepointRecord<T> where T : unmanaged
{
    private readonly ulong _start;
    private readonly int _capacity;
    private int _used;

    private TracepointRecord(ManagedKernel kernel, int dataCapacity)
    {
        _used = sizeof(T);
        _capacity = sizeof(T) + dataCapacity;
        _start = kernel.Memory.Map(new byte[_capacity]);
    }

    /// <summary>A record holding <paramref name="fields"/>, with <paramref name="dataCapacity"/> bytes for strings after it.</summary>
    public static TracepointRecord<T> ForTest(in T fields = default, int dataCapacity = 1024)
    {
        var record = new TracepointRecord<T>(ManagedKernel.Current, dataCapacity);
        record.Fields = fields;
        return record;
    }

    /// <summary>What the program takes: the record's address.</summary>
    public T* Pointer => (T*)_start;

    /// <summary>The fixed part, to set or check fields.</summary>
    public ref T Fields => ref Unsafe.AsRef<T>(Pointer);

    /// <summary>Appends a string (with its NUL) after the fixed part; returns the <c>__data_loc</c> value to store in its field.</summary>
    public uint AddString(string text) => AddData(Encoding.UTF8.GetBytes(text + "\0"));

    /// <summary>Appends bytes after the fixed part; returns the <c>__data_loc</c> value (length &lt;&lt; 16 | offset).</summary>
    public uint AddData(ReadOnlySpan<byte> data)
    {
        if (_used + data.Length > _capacity)
            throw new ArgumentException($"The record has room for {_capacity - _used} more bytes, not {data.Length}; create it with a larger dataCapacity.", nameof(data));
        var offset = _used;
        data.CopyTo(new Span<byte>((byte*)_start + offset, data.Length));
        _used += data.Length;
        return (uint)data.Length << 16 | (uint)offset;
    }
}
