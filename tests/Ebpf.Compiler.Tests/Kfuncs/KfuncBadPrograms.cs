using Ebpf.Kernel;

namespace Ebpf.Compiler.Tests.KernelFunctions;

// Kfunc declarations and uses the compiler refuses; each class holds one mistake, at the line the test names.
#pragma warning disable CS0626 // extern without DllImport: kfuncs are bound by the loader, not by the runtime
public static class KfuncBadPrograms
{
    public struct Pair { public long A, B; }

    [License("GPL")]
    public static class StructByValue
    {
        [Kfunc("bpf_pair")] private static extern int TakesPair(Pair pair);

        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id) => TakesPair(default);
    }

    [License("GPL")]
    public static class SixParameters
    {
        [Kfunc("bpf_six")] private static extern int Six(int a, int b, int c, int d, int e, int f);

        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id) => Six(1, 2, 3, 4, 5, 6);
    }

    [License("GPL")]
    public static class Generic
    {
        [Kfunc("bpf_generic")] private static extern int Any<T>(T value) where T : unmanaged;

        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id) => Any(5);
    }

    [License("GPL")]
    public static class ExistsOfStrong
    {
        [Kfunc("bpf_strong")] private static extern void Strong();

        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id) => Kfunc.Exists(nameof(Strong)) ? 1 : 0;
    }

    [License("GPL")]
    public static class ExistsOfNothing
    {
        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id) => Kfunc.Exists("bpf_nothing_declared") ? 1 : 0;
    }

    [License("GPL")]
    public static class ReturnsStruct
    {
        [Kfunc("bpf_pair_of")] private static extern Pair PairOf(int x);

        [TpBtf("sys_enter")]
        public static int Run(ulong regs, long id) => (int)PairOf(1).A;
    }
}
#pragma warning restore CS0626
