using System.Diagnostics;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf.Events.Tests;

/// <summary>struct record_header of events.c: every record starts with it.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RecordHeader
{
    public ulong Seq;
    public uint Cpu;
    public uint Size;
}

/// <summary>
/// tests/fixtures/events.c loaded, with helpers to drive its XDP programs through BPF_PROG_TEST_RUN (which runs on
/// the calling CPU) and to check the records they write.
/// </summary>
public sealed class EventsProgram : IDisposable
{
    public const uint Discard = 1, SecondRing = 2;

    public EventsProgram(uint ringSize = 16384)
    {
        var options = new BpfLoadOptions();
        options.Map("rb").MaxEntries = ringSize;
        Bpf = BpfObject.Load(Fixtures.Path("events"), options);
    }

    public BpfObject Bpf { get; }

    public BpfMap Ring => Bpf.Maps["rb"];
    public BpfMap Ring2 => Bpf.Maps["rb2"];
    public BpfMap Perf => Bpf.Maps["events"];

    /// <summary>stats[2]: reserves or outputs that failed because the ring was full.</summary>
    public ulong Failures => Bpf.Maps["stats"].AsArray<ulong>()[2];
    public ulong Submitted => Bpf.Maps["stats"].AsArray<ulong>()[0];

    public static byte[] Command(uint size, uint flags = 0)
    {
        var packet = new byte[64];
        BitConverter.TryWriteBytes(packet.AsSpan(0), size);
        BitConverter.TryWriteBytes(packet.AsSpan(4), flags);
        return packet;
    }

    /// <summary>What the programs return: XDP_PASS submitted, XDP_DROP discarded, XDP_TX ring full.</summary>
    public const uint ResultSubmitted = 2, ResultDiscarded = 1, ResultFull = 3;

    public uint Produce(uint size, uint flags = 0, int repeat = 1) =>
        Bpf.Programs["ringbuf_produce"].TestRun(Command(size, flags), repeat).ReturnValue;

    public uint ProducePerf(uint size, int repeat = 1) =>
        Bpf.Programs["perf_produce"].TestRun(Command(size), repeat).ReturnValue;

    /// <summary>Runs <paramref name="work"/> on a new thread that may only run on <paramref name="cpu"/>.</summary>
    public static Thread StartPinned(int cpu, Action work)
    {
        var thread = new Thread(() =>
        {
            CpuList.SetCurrentThreadAffinity(cpu);
            work();
        }) { IsBackground = true };
        thread.Start();
        return thread;
    }

    public static void RunPinned(int cpu, Action work)
    {
        Exception? failure = null;
        var t = StartPinned(cpu, () => { try { work(); } catch (Exception e) { failure = e; } });
        t.Join();
        if (failure is not null) throw new Exception("pinned producer failed", failure);
    }

    /// <summary>
    /// Checks a record's header and pattern (the word at offset o is seq * 0x100000001 + o, cut at the size) and
    /// returns its header. Perf samples may carry up to 7 bytes of padding after the size.
    /// </summary>
    public static RecordHeader Check(ReadOnlySpan<byte> record, bool padded = false)
    {
        if (record.Length < 16) throw new Xunit.Sdk.XunitException($"record of {record.Length} bytes is shorter than its header");
        var h = MemoryMarshal.Read<RecordHeader>(record);
        bool sizeOk = padded ? record.Length >= h.Size && record.Length < h.Size + 8 : record.Length == h.Size;
        if (!sizeOk) throw new Xunit.Sdk.XunitException($"record seq {h.Seq}: {record.Length} bytes, header says {h.Size}");
        Span<byte> word = stackalloc byte[8];
        for (int o = 16; o < h.Size; o += 8)
        {
            BitConverter.TryWriteBytes(word, h.Seq * 0x100000001UL + (ulong)o);
            int n = Math.Min(8, (int)h.Size - o);
            if (!record.Slice(o, n).SequenceEqual(word[..n]))
                throw new Xunit.Sdk.XunitException($"record seq {h.Seq} size {h.Size}: wrong bytes at offset {o}");
        }
        return h;
    }

    /// <summary>Collects checked headers: the struct path of Consume.</summary>
    public struct Collector(List<RecordHeader> into, bool padded) : IRecordHandler
    {
        public void OnRecord(ReadOnlySpan<byte> record) => into.Add(Check(record, padded));
    }

    public static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    public static int MappingLines() => File.ReadAllLines("/proc/self/maps").Length;

    public static TimeSpan Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed;
    }

    public void Dispose() => Bpf.Dispose();
}
