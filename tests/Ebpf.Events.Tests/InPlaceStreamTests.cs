using System.Runtime.InteropServices;
using static Ebpf.Events.Tests.EventsProgram;

namespace Ebpf.Events.Tests;

/// <summary>
/// ReadAllAsync on one ring reads records where they lie: runs of records (of one length or several) held in the ring until the
/// stream moves past them. Order, bytes, wrap-around, stopping or cancelling inside a run, and Dispose while a run
/// is held.
/// </summary>
public class InPlaceStreamTests
{
    /// <summary>A record's header and the first four pattern words (records of 48 bytes or more hold it whole).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Patterned
    {
        public RecordHeader Header;
        public ulong W16, W24, W32, W40;
    }

    private static void CheckPattern(Patterned e)
    {
        ulong seq = e.Header.Seq;
        ulong[] words = [e.W16, e.W24, e.W32, e.W40];
        for (int i = 0; i < words.Length; i++)
            if (words[i] != seq * 0x100000001UL + (ulong)(16 + 8 * i))
                throw new Xunit.Sdk.XunitException($"record seq {seq} size {e.Header.Size}: wrong word at offset {16 + 8 * i}");
    }

    [KernelFact]
    public async Task Streams_that_stop_anywhere_hand_out_every_record_once_in_order_with_its_bytes_across_the_rings_end()
    {
        const int ringSize = 4096; // the smallest ring: a round of records (under 2.5 KiB) fits, and it wraps often
        using var program = new EventsProgram(ringSize);
        using var reader = program.Ring.AsRingBuffer();
        // Groups of equal sizes make runs; discarded records and size changes end them.
        uint[] sizes = [48, 48, 48, 48, 48, 56, 56, 64, 64, 64, 100, 48, 200, 200, 200, 72];
        var expected = new List<(ulong Seq, uint Size)>();
        var received = new List<(ulong Seq, uint Size)>();
        long position = 0;
        int straddling = 0, attempt = 0, stops = 0;
        for (int round = 0; round < 60; round++)
        {
            RunPinned(0, () =>
            {
                for (int i = 0; i < 24; i++, attempt++)
                {
                    uint size = sizes[attempt % sizes.Length];
                    bool discard = attempt % 11 == 5;
                    Assert.Equal(discard ? ResultDiscarded : ResultSubmitted, program.Produce(size, discard ? Discard : 0));
                    if (!discard) expected.Add(((ulong)attempt, size));
                    long start = position % ringSize;
                    if (start + 8 + size > ringSize) straddling++;
                    position += (8 + size + 7) & ~7;
                }
            });
            // Several streams per round, each stopping after a different number of records (often inside a run).
            while (received.Count < expected.Count)
            {
                int take = 1 + (received.Count * 7 + round) % 13, n = 0;
                await foreach (var e in reader.ReadAllAsync<Patterned>())
                {
                    CheckPattern(e);
                    received.Add((e.Header.Seq, e.Header.Size));
                    if (++n == take || received.Count == expected.Count) break;
                }
                stops++;
            }
            Assert.Equal(expected, received);
        }
        Assert.Equal(0, reader.AvailableBytes);
        Assert.True(straddling >= 10, $"only {straddling} records crossed the ring's end");
        Assert.True(stops > 100, $"only {stops} streams");
    }

    [KernelFact]
    public async Task Cancelling_inside_a_run_leaves_the_records_not_handed_out_in_the_ring()
    {
        using var program = new EventsProgram(1 << 20);
        using var reader = program.Ring.AsRingBuffer();
        RunPinned(0, () => Assert.Equal(ResultSubmitted, program.Produce(48, repeat: 20)));
        using var cts = new CancellationTokenSource();
        var seqs = new List<ulong>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in reader.ReadAllAsync<Patterned>(cts.Token))
            {
                seqs.Add(e.Header.Seq);
                if (seqs.Count == 3) cts.Cancel();
            }
        });
        Assert.Equal([0UL, 1, 2], seqs);
        Assert.True(reader.TryRead(out var next));
        Assert.Equal(3UL, Check(next).Seq);
        Assert.Equal(16, reader.Consume(r => Check(r)));
    }

    [KernelFact]
    public async Task Dispose_inside_the_loop_unmaps_at_once_and_the_held_run_is_still_read_whole_then_the_stream_ends()
    {
        using var program = new EventsProgram(1 << 20);
        int mappings = ReaderMappingLines();
        var reader = program.Ring.AsRingBuffer();
        RunPinned(0, () => Assert.Equal(ResultSubmitted, program.Produce(48, repeat: 100)));
        await using var stream = reader.ReadAllAsync<Patterned>().GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        var first = stream.Current;
        Assert.Equal(0UL, first.Header.Seq);
        reader.Dispose();
        Assert.Equal(mappings, ReaderMappingLines()); // the ring is unmapped while the stream holds records in it
        Assert.Equal(first, stream.Current); // read from the copy Dispose made
        ulong expected = 1;
        while (await stream.MoveNextAsync())
        {
            var e = stream.Current;
            Assert.Equal(expected++, e.Header.Seq);
            CheckPattern(e);
        }
        // The rest of the run it held (100 records of one length make a whole run) comes from the copy, then the
        // stream ends: no record after the run is read from the unmapped ring.
        Assert.InRange(expected, 2UL, 16UL);
        Assert.False(await stream.MoveNextAsync());
    }

    [KernelFact]
    public async Task Dispose_from_another_thread_while_a_stream_reads_in_place_ends_it_and_every_record_it_gave_is_right()
    {
        for (int round = 0; round < 20; round++)
        {
            using var program = new EventsProgram(1 << 20);
            int mappings = ReaderMappingLines();
            var reader = program.Ring.AsRingBuffer();
            const int records = 12000;
            RunPinned(0, () => Assert.Equal(ResultSubmitted, program.Produce(48, repeat: records)));
            int consumed = 0, disposeAfter = round * 577 % records;
            var disposer = Task.Factory.StartNew(() =>
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref consumed) < disposeAfter) spin.SpinOnce();
                reader.Dispose();
            }, TaskCreationOptions.LongRunning);
            var consumer = Task.Run(async () =>
            {
                ulong expected = 0;
                await foreach (var e in reader.ReadAllAsync<Patterned>())
                {
                    if (e.Header.Seq != expected) throw new Xunit.Sdk.XunitException($"round {round}: seq {e.Header.Seq}, expected {expected}");
                    CheckPattern(e);
                    expected++;
                    Volatile.Write(ref consumed, consumed + 1);
                }
                return expected;
            });
            await disposer.WaitAsync(TimeSpan.FromSeconds(10));
            ulong got = await consumer.WaitAsync(TimeSpan.FromSeconds(10)); // ends cleanly, at the latest after its run
            Assert.InRange(got, (ulong)disposeAfter, (ulong)records);
            Assert.Equal(mappings, ReaderMappingLines());
        }
    }

    /// <summary>Records of several lengths (each holding a Patterned), so runs hold records of different lengths.</summary>
    private static readonly uint[] MixedSizes = [48, 56, 64, 48, 120, 72, 49, 48, 200, 56, 88, 48, 52, 64, 64, 136];

    private static long RingSpace(IEnumerable<uint> sizes) => sizes.Sum(size => (long)((8 + size + 7) & ~7u));

    [KernelFact]
    public async Task A_run_of_records_of_different_lengths_hands_them_out_in_order_and_stopping_inside_it_consumes_exactly_what_was_handed_out()
    {
        using var program = new EventsProgram(1 << 20);
        using var reader = program.Ring.AsRingBuffer();
        const int records = 40;
        var sizes = Enumerable.Range(0, records).Select(i => MixedSizes[i % MixedSizes.Length]).ToArray();
        RunPinned(0, () =>
        {
            foreach (uint size in sizes) Assert.Equal(ResultSubmitted, program.Produce(size));
        });
        Assert.Equal(RingSpace(sizes), reader.AvailableBytes);

        // Stops after 5 records, inside the first run (16 records of any length).
        var got = new List<(ulong Seq, uint Size)>();
        await foreach (var e in reader.ReadAllAsync<Patterned>())
        {
            CheckPattern(e);
            got.Add((e.Header.Seq, e.Header.Size));
            if (got.Count == 5) break;
        }
        Assert.Equal(Enumerable.Range(0, 5).Select(i => ((ulong)i, sizes[i])), got);
        Assert.Equal(RingSpace(sizes.Skip(5)), reader.AvailableBytes);

        // Cancelled after 3 more, inside the next run.
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in reader.ReadAllAsync<Patterned>(cts.Token))
            {
                CheckPattern(e);
                got.Add((e.Header.Seq, e.Header.Size));
                if (got.Count == 8) cts.Cancel();
            }
        });
        Assert.Equal(Enumerable.Range(0, 8).Select(i => ((ulong)i, sizes[i])), got);
        Assert.Equal(RingSpace(sizes.Skip(8)), reader.AvailableBytes);

        // The rest through a stream that stops after the last record: runs cross from one length to another.
        await foreach (var e in reader.ReadAllAsync<Patterned>())
        {
            CheckPattern(e);
            got.Add((e.Header.Seq, e.Header.Size));
            if (got.Count == records) break;
        }
        Assert.Equal(Enumerable.Range(0, records).Select(i => ((ulong)i, sizes[i])), got);
        Assert.Equal(0, reader.AvailableBytes);
    }

    [KernelFact]
    public async Task Dispose_while_a_run_of_different_lengths_is_held_hands_out_the_whole_run_from_the_copy()
    {
        using var program = new EventsProgram(1 << 20);
        var reader = program.Ring.AsRingBuffer();
        RunPinned(0, () =>
        {
            for (int i = 0; i < 64; i++) Assert.Equal(ResultSubmitted, program.Produce(MixedSizes[i % MixedSizes.Length]));
        });
        await using var stream = reader.ReadAllAsync<Patterned>().GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(0UL, stream.Current.Header.Seq);
        reader.Dispose();
        ulong expected = 0;
        do
        {
            var e = stream.Current; // from the copy Dispose made: it covers every record of the run, whatever its length
            Assert.Equal(expected, e.Header.Seq);
            Assert.Equal(MixedSizes[expected % (ulong)MixedSizes.Length], e.Header.Size);
            CheckPattern(e);
            expected++;
        }
        while (await stream.MoveNextAsync());
        Assert.Equal(16UL, expected); // the whole run the stream held, no record behind it
    }

    /// <summary>Mappings of BPF maps: the rings' (the runtime maps memory of its own meanwhile).</summary>
    private static int ReaderMappingLines() =>
        File.ReadLines("/proc/self/maps").Count(l => l.Contains("bpf", StringComparison.Ordinal));
}
