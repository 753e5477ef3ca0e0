using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.Tracing;

/// <summary>
/// A program's parameters against the traced function in this machine's kernel BTF (do_unlinkat(int dfd, struct
/// filename *name) returning int; sched_switch's tp_btf (bool, task_struct *, task_struct *, unsigned int)).
/// </summary>
public class TracedFunctionTests
{
    [KernelTheory]
    [InlineData(typeof(ReturnValueInAnArgumentsPlace), "reads 'result' from do_unlinkat's argument 'name': fexit's return value comes after all 2 arguments")]
    [InlineData(typeof(MoreParametersThanArguments), "takes 3 parameters, and do_unlinkat (int dfd, struct filename *name) passes 2 arguments")]
    [InlineData(typeof(MoreThanArgumentsAndReturn), "takes 4 parameters, and do_unlinkat (int dfd, struct filename *name) passes 2 arguments and its return value")]
    [InlineData(typeof(PointerAsInt), "declares 'name' as int, narrower than do_unlinkat's argument struct filename *name (8 bytes)")]
    [InlineData(typeof(TpBtfWithFiveArguments), "takes 5 parameters, and btf_trace_sched_switch (bool, struct task_struct *, struct task_struct *, unsigned int) passes 4 arguments")]
    public void Parameters_that_do_not_fit_the_function_are_build_errors(Type programs, string problem)
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(programs));
        Assert.Equal("EBPF041", e.Code);
        Assert.Contains(problem, e.Message);
        Assert.NotNull(e.Location);
    }

    [KernelFact]
    public void The_message_writes_the_signature_from_BTF()
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(typeof(ReturnValueInAnArgumentsPlace)));
        Assert.Contains("must be 'static int Exit(int dfd, ulong name, int ret)'", e.Message);
        e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(typeof(TpBtfWithFiveArguments)));
        Assert.Contains("must be 'static int Switch(bool arg0, ulong arg1, ulong arg2, uint arg3)'", e.Message);
    }

    [KernelFact]
    public void Fewer_parameters_wider_ones_and_the_return_value_after_the_arguments_compile() =>
        ProgramCompiler.Compile(typeof(FittingPrograms));

    [License("GPL")]
    private static class ReturnValueInAnArgumentsPlace
    {
        [FExit("do_unlinkat")]
        public static int Exit(int dfd, int result) => result;
    }

    [License("GPL")]
    private static class MoreParametersThanArguments
    {
        [FEntry("do_unlinkat")]
        public static int Entry(int dfd, ulong name, ulong extra) => 0;
    }

    [License("GPL")]
    private static class MoreThanArgumentsAndReturn
    {
        [FExit("do_unlinkat")]
        public static int Exit(int dfd, ulong name, int ret, ulong extra) => 0;
    }

    [License("GPL")]
    private static class PointerAsInt
    {
        [FEntry("do_unlinkat")]
        public static int Entry(int dfd, int name) => 0;
    }

    [License("GPL")]
    private static class TpBtfWithFiveArguments
    {
        [TpBtf("sched_switch")]
        public static int Switch(bool preempt, ulong prev, ulong next, uint state, ulong extra) => 0;
    }

    [License("GPL")]
    private static class FittingPrograms
    {
        [FEntry("do_unlinkat")]
        public static int Entry(long dfd) => 0;

        [FExit("do_unlinkat")]
        public static int Exit(int dfd, ulong name, int result) => result;

        [TpBtf("sched_switch")]
        public static int Switch(bool preempt, ulong prev) => 0;

        [Lsm("file_open")]
        public static int Open(ulong file, int ret) => ret;
    }
}
