using System.Buffers.Binary;
using System.Text;
using Ebpf.Object.Elf;

namespace Ebpf.Object.UsdtNotes;

/// <summary>
/// One USDT site from a binary's .note.stapsdt: where the probe instruction is (as a file offset, what a
/// uprobe takes), its semaphore (0 when it has none) and its arguments.
/// </summary>
public sealed record UsdtProbe(string Provider, string Name, ulong Address, ulong FileOffset, ulong SemaphoreOffset, string ArgumentText, IReadOnlyList<UsdtArgument> Arguments)
{
    private const uint NoteType = 3; // NT_STAPSDT

    /// <summary>
    /// Every site of <paramref name="provider"/>:<paramref name="name"/> in <paramref name="binary"/>; empty when none.
    /// Sites are adjusted by .stapsdt.base as prelink may move a binary: the note records where that section was.
    /// </summary>
    public static IReadOnlyList<UsdtProbe> Find(ElfBinary binary, string provider, string name) =>
        ReadAll(binary).Where(p => p.Provider == provider && p.Name == name).ToList();

    public static IReadOnlyList<UsdtProbe> ReadAll(ElfBinary binary)
    {
        var baseSection = binary.FindSection(".stapsdt.base");
        ulong? baseAddress = baseSection is null ? null : binary.SectionAddress(baseSection);
        var result = new List<UsdtProbe>();
        foreach (var note in binary.Notes(".note.stapsdt"))
        {
            if (note.Owner != "stapsdt" || note.Type != NoteType) continue;
            var d = note.Descriptor.Span;
            if (d.Length < 24 + 3)
                throw new InvalidObjectException($"{binary.Source}: a .note.stapsdt note has {d.Length} bytes, too few for its three addresses and names");
            var pc = BinaryPrimitives.ReadUInt64LittleEndian(d);
            var noteBase = BinaryPrimitives.ReadUInt64LittleEndian(d[8..]);
            var semaphore = BinaryPrimitives.ReadUInt64LittleEndian(d[16..]);
            var strings = Encoding.UTF8.GetString(d[24..]).Split('\0');
            if (strings.Length < 3)
                throw new InvalidObjectException($"{binary.Source}: a .note.stapsdt note lacks its provider, name or argument text");
            var (probeProvider, probeName, args) = (strings[0], strings[1], strings[2]);
            if (baseAddress is { } b && noteBase != 0)
            {
                pc += b - noteBase;
                if (semaphore != 0) semaphore += b - noteBase;
            }
            if (!binary.TryFileOffset(pc, out var offset, executableOnly: true))
                throw new InvalidObjectException($"{binary.Source}: USDT {probeProvider}:{probeName} at 0x{pc:x} lies in no executable PT_LOAD segment");
            ulong semaphoreOffset = 0;
            if (semaphore != 0 && !binary.TryFileOffset(semaphore, out semaphoreOffset))
                throw new InvalidObjectException($"{binary.Source}: the semaphore of USDT {probeProvider}:{probeName} at 0x{semaphore:x} lies in no PT_LOAD segment");
            result.Add(new UsdtProbe(probeProvider, probeName, pc, offset, semaphoreOffset, args, UsdtArgument.ParseAll(args, binary.Machine, $"{binary.Source}: USDT {probeProvider}:{probeName}")));
        }
        return result;
    }
}
