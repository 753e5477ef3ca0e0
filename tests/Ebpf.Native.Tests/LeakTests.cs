namespace Ebpf.Native.Tests;

[CollectionDefinition(nameof(FdCounting), DisableParallelization = true)]
public sealed class FdCounting { }

/// <summary>Runs alone (no parallel tests opening descriptors meanwhile).</summary>
[Collection(nameof(FdCounting))]
public class LeakTests
{
    private static int OpenFds() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    [KernelFact]
    public void Thousand_maps_and_programs_leave_no_descriptors_behind()
    {
        byte[] insns = Programs.ReturnConstant(1);
        // Warm up: first calls load libraries and may open files of their own.
        using (Programs.Map(BpfMapType.Array, 4, 8, 1)) { }
        using (Programs.SocketFilter()) { }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = OpenFds();

        for (int i = 0; i < 1000; i++)
        {
            using var map = Programs.Map(BpfMapType.Hash, 4, 8, 4, "leak");
            using var prog = BpfSyscall.ProgLoad(new ProgLoadRequest(BpfProgramType.SocketFilter, insns, "GPL") { Name = "leak" });
            using var dup = map.Duplicate();
        }
        // Failure paths close what they opened too.
        for (int i = 0; i < 100; i++)
        {
            Assert.Throws<BpfVerifierException>(() => Programs.Load(BpfProgramType.SocketFilter, Ebpf.Asm.InstructionEncoder.Encode([Ebpf.Asm.Instruction.Exit()])));
            Assert.Throws<BpfSyscallException>(() => BpfSyscall.MapGetFdById(int.MaxValue - 1));
        }
        Assert.Equal(before, OpenFds());
    }

    [KernelFact]
    public void Finalizer_closes_a_forgotten_descriptor()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = OpenFds();
        Forget();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(before, OpenFds());

        static void Forget()
        {
            for (int i = 0; i < 10; i++) Programs.Map(BpfMapType.Array, 4, 4, 1, "forgotten");
        }
    }
}
