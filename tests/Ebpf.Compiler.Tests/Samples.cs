using Ebpf.Kernel;

// Compiled twice: here, unoptimized, and into the optimized corpus (which defines OPTIMIZED_CORPUS), so the
// differential tests check both shapes of IL.
#if OPTIMIZED_CORPUS
namespace Ebpf.Compiler.Corpus;
#else
namespace Ebpf.Compiler.Tests;
#endif

/// <summary>Plain C# functions compiled to BPF by the differential tests; each runs as .NET and in the kernel.</summary>
public static class Samples
{
    public static int Add(int a, int b) => a + b;

    public static int Mixed(int a, int b) => (a * 31) ^ (b >> 3) - (a << (b & 7)) + (b >>> 5) - ~a;

    public static long Wide(long a, long b) => a * b + (a >> 5) - (long)(uint)b + (b << 60) - (long)((ulong)a >> 7);

    // `/` and `%` take non-zero constant divisors; Bpf.Div and Bpf.Mod divide by anything, with BPF's meaning in both worlds.
    public static int Divide(int a, int b) => Bpf.Div(a, b) + Bpf.Mod(a, b) + a / 7 - a % 10 + a / -3;

    public static uint Unsigned(uint a, uint b) => Bpf.Div(a, b) + Bpf.Mod(a, b) * 3 + (a >> (int)(b & 31)) + a / 16 + a % 1000 + a % 64;

    public static long DivideWide(long a, long b) => Bpf.Div(a, b) - Bpf.Mod(a, b) + (long)Bpf.Div((ulong)a, (ulong)b) + a / 1_000_000_007 + (long)((ulong)b % 4096);

    public static int Narrow(int a, int b) => (sbyte)a + (byte)b * 3 + (short)(a * b) - (ushort)(a - b) + (char)b;

    public static int Compare(long a, long b) =>
        (a < b ? 1 : 0) + (a > b ? 2 : 0) + ((ulong)a < (ulong)b ? 4 : 0) + ((ulong)a > (ulong)b ? 8 : 0)
        + (a == b ? 16 : 0) + ((int)a <= (int)b ? 32 : 0) + ((uint)a >= (uint)b ? 64 : 0);

    public static int Loops(int a, int b)
    {
        var sum = 0;
        for (var i = 0; i < 16; i++)
        {
            if (((a >> i) & 1) == 0)
                continue;
            sum += (b ^ i) * (i + 1);
            if (sum > 1_000_000)
                break;
        }
        switch (a & 7)
        {
            case 0: sum += 11; break;
            case 1: sum -= 7; break;
            case 2: sum ^= b; break;
            case 5: sum = ~sum; break;
        }
        return sum;
    }

    public static long Mix(long a, int b)
    {
        long x = a ^ (long)b;
        x ^= x >> 33;
        x *= unchecked((long)0xff51afd7ed558ccdUL);
        x ^= (long)((ulong)x >> 33);
        return x + b;
    }

    public static bool IsPrivate(uint address) => (address >> 24) == 10 || (address >> 20) == 0xac1 || (address >> 16) == 0xc0a8;
}
