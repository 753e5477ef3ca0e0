using System.Runtime.CompilerServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>One ring buffer map a <see cref="RingBufferReader"/> reads: its mapping and the consumer position this process owns.</summary>
internal sealed unsafe class RingBufferRing(BpfMap map, RingBufferMapping mapping)
{
    /// <summary>The record header's length word: BUSY while the producer writes, DISCARD when it gave the record up.</summary>
    public const uint BusyBit = 1u << 31, DiscardBit = 1u << 30, HeaderSize = 8;

    public BpfMap Map { get; } = map;

    public RingBufferMapping Mapping { get; } = mapping;

    // Plain fields (not properties over the SafeHandle): the readers' loops load them once per record.
    public readonly byte* Data = mapping.Data;
    public readonly ulong Mask = (ulong)mapping.Size - 1;
    public readonly ulong* ConsumerPosition = mapping.ConsumerPosition;
    public readonly ulong* ProducerPosition = mapping.ProducerPosition;

    /// <summary>Only this process writes the consumer position, so a copy is kept here instead of reading the shared page.</summary>
    public ulong Consumer = *mapping.ConsumerPosition;

    /// <summary>
    /// The producer position read last (acquire): records below it are complete or marked busy. The direct paths read
    /// the kernel's page again only when the consumer reaches it, as libbpf does once per pass.
    /// </summary>
    public ulong Limit;

    /// <summary>Bytes between the consumer and the producer: records waiting (including busy and discarded ones).</summary>
    public long Available => (long)(Volatile.Read(ref *ProducerPosition) - Consumer);

    /// <summary>Record space: the 8-byte header plus the length, rounded up to 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Advance(uint length) => ((length & ~(BusyBit | DiscardBit)) + HeaderSize + 7) & ~7u;
}
