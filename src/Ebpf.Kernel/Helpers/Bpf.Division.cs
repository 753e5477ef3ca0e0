namespace Ebpf.Kernel;

public static partial class Bpf
{
    // BPF division never traps: x / 0 is 0 and x % 0 is x; the signed forms (cpu v4 sdiv/smod) also give MIN / -1 == MIN and
    // MIN % -1 == 0. C#'s operators throw there instead, so a program that divides by a value it does not know to be non-zero
    // should call these: they mean the same in the kernel and in a test. (The compiler refuses plain / and % whose divisor is
    // not a non-zero constant; see the README.)

    [Intrinsic(IntrinsicKind.Division)]
    public static ulong Div(ulong dividend, ulong divisor) => divisor == 0 ? 0 : dividend / divisor;

    [Intrinsic(IntrinsicKind.Division)]
    public static uint Div(uint dividend, uint divisor) => divisor == 0 ? 0 : dividend / divisor;

    [Intrinsic(IntrinsicKind.Division)]
    public static long Div(long dividend, long divisor) => divisor switch
    {
        0 => 0,
        -1 => unchecked(-dividend),
        _ => dividend / divisor,
    };

    [Intrinsic(IntrinsicKind.Division)]
    public static int Div(int dividend, int divisor) => divisor switch
    {
        0 => 0,
        -1 => unchecked(-dividend),
        _ => dividend / divisor,
    };

    [Intrinsic(IntrinsicKind.Division)]
    public static ulong Mod(ulong dividend, ulong divisor) => divisor == 0 ? dividend : dividend % divisor;

    [Intrinsic(IntrinsicKind.Division)]
    public static uint Mod(uint dividend, uint divisor) => divisor == 0 ? dividend : dividend % divisor;

    [Intrinsic(IntrinsicKind.Division)]
    public static long Mod(long dividend, long divisor) => divisor switch
    {
        0 => dividend,
        -1 => 0,
        _ => dividend % divisor,
    };

    [Intrinsic(IntrinsicKind.Division)]
    public static int Mod(int dividend, int divisor) => divisor switch
    {
        0 => dividend,
        -1 => 0,
        _ => dividend % divisor,
    };
}
