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

    public static int HugeStack(int a, int b)
    {
        long x0 = a, x1 = b, x2 = a, x3 = b, x4 = a, x5 = b, x6 = a, x7 = b, x8 = a, x9 = b;
        long y0 = a, y1 = b, y2 = a, y3 = b, y4 = a, y5 = b, y6 = a, y7 = b, y8 = a, y9 = b;
        long z0 = a, z1 = b, z2 = a, z3 = b, z4 = a, z5 = b, z6 = a, z7 = b, z8 = a, z9 = b;
        long w0 = a, w1 = b, w2 = a, w3 = b, w4 = a, w5 = b, w6 = a, w7 = b, w8 = a, w9 = b;
        long v0 = a, v1 = b, v2 = a, v3 = b, v4 = a, v5 = b, v6 = a, v7 = b, v8 = a, v9 = b;
        long u0 = a, u1 = b, u2 = a, u3 = b, u4 = a, u5 = b, u6 = a, u7 = b, u8 = a, u9 = b;
        long t0 = a, t1 = b, t2 = a, t3 = b, t4 = a, t5 = b, t6 = a, t7 = b, t8 = a, t9 = b;
        return (int)(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + y0 + y1 + y2 + y3 + y4 + y5 + y6 + y7 + y8 + y9
            + z0 + z1 + z2 + z3 + z4 + z5 + z6 + z7 + z8 + z9 + w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8 + w9
            + v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + u0 + u1 + u2 + u3 + u4 + u5 + u6 + u7 + u8 + u9
            + t0 + t1 + t2 + t3 + t4 + t5 + t6 + t7 + t8 + t9);
    }
}
