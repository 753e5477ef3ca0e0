namespace Ebpf.Compiler.Tests;

/// <summary>Functions the compiler must refuse, each with a build error at the offending line.</summary>
public static class BadSamples
{
    public static int Checked(int a, int b) => checked(a + b); // line 6

    public static int Allocates(int a, int b) => new int[a].Length + b; // line 8

    public static int Throws(int a, int b) => a > b ? a : throw new InvalidOperationException(); // line 10

    public static int Strings(int a, int b) => "bpf".Length + a + b; // line 12

    public static int Floats(int a, int b) => (int)(a * 1.5) + b; // line 14

    public static int TooMany(int a, int b, int c, int d, int e, int f) => a + b + c + d + e + f; // line 16

    public static unsafe int HugeStack(int a, int b)
    {
        // Registers absorb scalars (coalescing even merges copies), but a 600-byte struct must live in the frame.
        var big = new Big();
        big.Words[a & 63] = b;
        return (int)big.Words[b & 63];
    }

    public static int DividesByVariable(int a, int b) => a / b;

    public static int DividesByMinusOne(int a, int b) => a % -1 + b;

    public static int SpanOutOfRange(int a, int b) { Span<byte> s = stackalloc byte[4]; return s[5] + a + b; } // line 30
}

/// <summary>Over BPF's 512-byte stack by itself.</summary>
public unsafe struct Big
{
    public fixed long Words[75];
}
