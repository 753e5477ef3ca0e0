using System.Buffers.Binary;

namespace Ebpf.Fuzz.Tests.Fuzzing;

/// <summary>
/// Makes mutants of a valid seed: one to four changes chosen from bit flips, boundary values in the seed's fields
/// (by what each field holds: sizes and offsets at and past the end, type ids out of range or pointing back at their
/// own type, string offsets past the table, vlen 0xffff), random bytes, copied blocks and truncations.
/// Deterministic for a given <see cref="Random"/> seed, so a failure is replayed from its seed and index.
/// </summary>
public static class Mutator
{
    public static byte[] Mutate(byte[] seed, FieldMap map, Random rng, out string description)
    {
        var bytes = (byte[])seed.Clone();
        var changes = new List<string>();
        int count = 1 + (rng.Next(8) switch { < 4 => 0, < 6 => 1, 7 => 2, _ => 3 });
        for (int i = 0; i < count && bytes.Length > 0; i++)
        {
            int op = rng.Next(100);
            if (op < 45 && map.Fields.Count > 0) changes.Add(SetField(bytes, map, rng));
            else if (op < 65) changes.Add(FlipBit(bytes, map, rng));
            else if (op < 75) changes.Add(RandomBytes(bytes, map, rng));
            else if (op < 85) changes.Add(CopyBlock(bytes, rng));
            else
            {
                changes.Add(Truncate(ref bytes, map, rng));
                break; // later field offsets may lie past the new end
            }
        }
        description = string.Join("; ", changes);
        return bytes;
    }

    private static string SetField(byte[] bytes, FieldMap map, Random rng)
    {
        var f = map.Fields[rng.Next(map.Fields.Count)];
        if (f.Offset + f.Width > bytes.Length) return "no-op";
        ulong old = Read(bytes, f);
        ulong value = f.Kind switch
        {
            FieldKind.TypeId => Pick(rng, 0, (ulong)f.Owner, (ulong)f.Owner + 1, (ulong)Math.Max(f.Owner - 1, 0), (ulong)map.TypeCount,
                (ulong)map.TypeCount + 1, (ulong)map.TypeCount - 1, 0x7fffffff, 0xffffffff, (ulong)rng.Next(Math.Max(map.TypeCount, 1))),
            FieldKind.StringOffset => Pick(rng, 0, (ulong)f.Bound, (ulong)f.Bound + 1, (ulong)Math.Max(f.Bound - 1, 0), 0x7fffffff, 0xffffffff,
                old + 1, old - 1, (ulong)rng.Next(Math.Max(f.Bound, 1))),
            FieldKind.BtfInfo => rng.Next(4) switch
            {
                0 => (old & ~0xffffUL) | 0xffff,                                   // huge vlen
                1 => (old & ~(0x1fUL << 24)) | ((ulong)rng.Next(32) << 24),          // another (or unknown) kind
                2 => old ^ (1UL << 31),                                             // kind_flag
                _ => old | (1UL << (16 + rng.Next(8))) | (rng.Next(2) == 0 ? 1UL << 29 : 0), // reserved bits
            },
            FieldKind.Offset or FieldKind.Size or FieldKind.Count or FieldKind.Index => Boundary(rng, old, bytes.Length),
            _ => Boundary(rng, old, bytes.Length),
        };
        Write(bytes, f, value);
        return $"{f.Kind}@{f.Offset}/{f.Width}: {old:x} -> {value & Mask(f.Width):x}";
    }

    private static ulong Boundary(Random rng, ulong old, int length) => Pick(rng, 0, 1, old + 1, old - 1, old * 2, old + 8, (ulong)length,
        (ulong)length + 1, (ulong)length - 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
        0x7fffffffffffffff, ulong.MaxValue, (ulong)rng.NextInt64());

    private static ulong Pick(Random rng, params ulong[] values) => values[rng.Next(values.Length)];

    private static ulong Mask(int width) => width == 8 ? ulong.MaxValue : (1UL << (8 * width)) - 1;

    private static ulong Read(byte[] b, Field f) => f.Width switch
    {
        1 => b[f.Offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(f.Offset)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(f.Offset)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(f.Offset)),
    };

    private static void Write(byte[] b, Field f, ulong v)
    {
        switch (f.Width)
        {
            case 1: b[f.Offset] = (byte)v; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(f.Offset), (ushort)v); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(f.Offset), (uint)v); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(f.Offset), v); break;
        }
    }

    // Half the random changes land in one region (a section), so small sections get their share; all of them when the map says so.
    private static (int Start, int Length) Where(byte[] bytes, FieldMap map, Random rng)
    {
        if (map.Regions.Count > 0 && (map.OnlyInRegions || rng.Next(2) == 0))
        {
            var r = map.Regions[rng.Next(map.Regions.Count)];
            if (r.Start + r.Length <= bytes.Length) return (r.Start, r.Length);
        }
        return (0, bytes.Length);
    }

    private static string FlipBit(byte[] bytes, FieldMap map, Random rng)
    {
        var (start, length) = Where(bytes, map, rng);
        int at = start + rng.Next(length), bit = rng.Next(8);
        bytes[at] ^= (byte)(1 << bit);
        return $"flip bit {bit} of byte {at}";
    }

    private static string RandomBytes(byte[] bytes, FieldMap map, Random rng)
    {
        var (start, length) = Where(bytes, map, rng);
        int at = start + rng.Next(length), n = Math.Min(1 + rng.Next(8), start + length - at);
        byte fill = (byte)Pick(rng, 0, 0xff, 0x7f, 0x80, (ulong)rng.Next(256));
        for (int i = 0; i < n; i++) bytes[at + i] = rng.Next(3) == 0 ? (byte)rng.Next(256) : fill;
        return $"{n} bytes at {at}";
    }

    private static string CopyBlock(byte[] bytes, Random rng)
    {
        int n = 1 + rng.Next(Math.Min(64, bytes.Length));
        int from = rng.Next(bytes.Length - n + 1), to = rng.Next(bytes.Length - n + 1);
        Buffer.BlockCopy(bytes, from, bytes, to, n);
        return $"copy {n} bytes {from} -> {to}";
    }

    private static string Truncate(ref byte[] bytes, FieldMap map, Random rng)
    {
        int length = rng.Next(3) switch
        {
            // Just before or after a field or region boundary, where length checks are off by one.
            0 when map.Fields.Count > 0 => map.Fields[rng.Next(map.Fields.Count)].Offset + rng.Next(-1, 3),
            1 when map.Regions.Count > 0 => map.Regions[rng.Next(map.Regions.Count)] is var r ? r.Start + r.Length - rng.Next(0, 2) : 0,
            _ => rng.Next(bytes.Length),
        };
        length = Math.Clamp(length, 0, bytes.Length - 1);
        bytes = bytes[..length];
        return $"truncate to {length}";
    }
}
