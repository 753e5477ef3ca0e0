using Ebpf.Asm;
using Ebpf.Compiler.CodeGen;
using Ebpf.Kernel;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Object.Externs;

namespace Ebpf.Compiler.Tests.KernelFunctions;

/// <summary>What the compiler writes for kfunc calls, what it refuses, and how kfunc programs run as .NET.</summary>
public sealed unsafe class KfuncTests
{
    private static readonly Lazy<BpfObjectFile> Compiled = new(() => BpfObjectFile.Read(ProgramCompiler.Compile(typeof(KfuncPrograms))));

    private static Instruction At(Ebpf.Object.Programs.ProgramSpec program, Ebpf.Object.Relocations.ProgramRelocation r) =>
        program.Instructions[program.Slots.IndexOfSlot(r.InstructionOffset)];

    [Fact]
    public void A_kfunc_call_is_a_pseudo_call_to_minus_one_relocated_against_its_undefined_symbol_as_clang_writes_it()
    {
        var program = Compiled.Value.Programs.Single(p => p.Name == nameof(KfuncPrograms.TaskOfPid));
        var calls = program.Relocations.Where(r => r.Kind == Ebpf.Object.Relocations.RelocationKind.Extern).ToList();
        Assert.Equal(["bpf_task_from_pid", "bpf_task_release"], calls.Select(r => r.SymbolName).ToArray());
        foreach (var r in calls)
        {
            var ins = At(program, r);
            Assert.True(ins.IsPseudoCall, ins.ToString());
            Assert.Equal(-1, ins.Imm);
            Assert.Equal(ExternKind.Kfunc, r.Extern!.Kind);
            Assert.False(r.Extern.IsWeak);
        }
    }

    [Fact]
    public void Kfuncs_are_extern_FUNCs_in_ksyms_with_the_kernels_parameter_and_return_types()
    {
        var spec = Compiled.Value;
        var btf = spec.Btf!;
        var ksyms = (BtfDatasec)btf.FindByName(".ksyms", BtfKind.Datasec)!;
        var names = ksyms.Variables.Select(v => btf[v.Type].Name).Order().ToArray();
        Assert.Equal(["bpf_rcu_read_lock", "bpf_rcu_read_unlock", "bpf_task_acquire", "bpf_task_from_pid", "bpf_task_release", "ebpf_dotnet_no_such_kfunc"], names);
        var fromPid = (BtfFunc)btf.FindByName("bpf_task_from_pid", BtfKind.Func)!;
        Assert.Equal(BtfLinkage.Extern, fromPid.Linkage);
        var proto = (BtfFuncProto)btf[fromPid.Type];
        // struct task_struct *bpf_task_from_pid(s32 pid): a pointer to the struct itself (libbpf refuses a forward), a 4-byte signed int.
        var returned = (BtfPointer)btf[proto.ReturnType];
        Assert.Equal((BtfKind.Struct, "task_struct"), (btf[returned.Type].Kind, btf[returned.Type].Name));
        var pid = (BtfInt)btf[Assert.Single(proto.Parameters).Type];
        Assert.Equal((4u, BtfIntEncoding.Signed), (pid.Size, pid.Encoding));
        var release = (BtfFuncProto)btf[((BtfFunc)btf.FindByName("bpf_task_release", BtfKind.Func)!).Type];
        Assert.Equal(0, release.ReturnType);
        Assert.Equal("task_struct", btf[((BtfPointer)btf[Assert.Single(release.Parameters).Type]).Type].Name);
        // The weak one is weak in the symbol table, which is what lets the loader leave it out.
        Assert.True(spec.Externs.Single(e => e.Name == "ebpf_dotnet_no_such_kfunc").IsWeak);
        Assert.Equal(ExternKind.Kfunc, spec.Externs.Single(e => e.Name == "bpf_rcu_read_lock").Kind);
    }

    [Fact]
    public void Kfunc_Exists_is_a_relocated_LD_IMM64_of_the_weak_symbol()
    {
        var program = Compiled.Value.Programs.Single(p => p.Name == nameof(KfuncPrograms.GuardedMissing));
        var load = program.Relocations.Single(r => r.SymbolName == "ebpf_dotnet_no_such_kfunc" && At(program, r).IsLoadImm64);
        Assert.Equal(ExternKind.Kfunc, load.Extern!.Kind);
        Assert.Contains(program.Relocations, r => r.SymbolName == "ebpf_dotnet_no_such_kfunc" && At(program, r).IsCall);
    }

    [Fact]
    public void Programs_that_call_kfuncs_compile_the_same_twice()
    {
        Assert.Equal(ProgramCompiler.Compile(typeof(KfuncPrograms)), ProgramCompiler.Compile(typeof(KfuncPrograms)));
    }

    [Theory]
    [InlineData(typeof(KfuncBadPrograms.StructByValue), "EBPF100", "parameter 'pair' is a Pair, which does not fit a register", 17)]
    [InlineData(typeof(KfuncBadPrograms.SixParameters), "EBPF100", "takes 6 parameters; a kfunc gets at most 5", 26)]
    [InlineData(typeof(KfuncBadPrograms.Generic), "EBPF100", "is generic; the kernel function has one prototype", 35)]
    [InlineData(typeof(KfuncBadPrograms.ExistsOfStrong), "EBPF101", "is not weak, so the object only loads where the kernel has it", 44)]
    [InlineData(typeof(KfuncBadPrograms.ExistsOfNothing), "EBPF101", "names no kfunc of this program; declare it with [Kfunc(\"bpf_nothing_declared\", Weak = true)]", 51)]
    [InlineData(typeof(KfuncBadPrograms.ReturnsStruct), "EBPF100", "returns a Pair, which does not fit r0", 60)]
    public void Mistakes_are_build_errors_with_file_line_and_fix(Type programs, string code, string fragment, int line)
    {
        var e = Assert.Throws<CompilerException>(() => ProgramCompiler.Compile(programs));
        Assert.Equal(code, e.Code);
        Assert.Contains(fragment, e.Message);
        Assert.Matches($@"KfuncBadPrograms\.cs\({line},\d+\): error {code}: ", e.Message);
    }

    [Fact]
    public void TaskFromPid_runs_as_dotnet_with_the_managed_kernels_tasks_and_counts_references()
    {
        var kernel = new ManagedKernel { Pid = 500, Tgid = 500 };
        using var _ = ManagedKernel.Use(kernel);
        kernel.AddTask(501, tgid: 500, comm: "worker");
        KfuncPrograms.Target.Update(0, 500);
        KfuncPrograms.Target.Update(1, 501);
        KfuncPrograms.Results.Clear();
        Assert.Equal(0, KfuncPrograms.TaskOfPid(0, 0));
        Assert.Equal([500L, 501L], KfuncPrograms.Results.ToArray()[..2]);
        Assert.Equal(0, kernel.HeldReferences); // acquired, then released

        // No task of that id: null, and nothing written.
        KfuncPrograms.Results.Clear();
        KfuncPrograms.Target.Update(1, 999);
        Assert.Equal(0, KfuncPrograms.TaskOfPid(0, 0));
        Assert.Equal(0L, KfuncPrograms.Results.ToArray()[0]);
    }

    [Fact]
    public void The_rcu_program_runs_as_dotnet_and_leaves_no_section_open_and_no_reference_held()
    {
        var kernel = new ManagedKernel { Pid = 600, Tgid = 600 };
        using var _ = ManagedKernel.Use(kernel);
        var parent = kernel.AddTask(1, comm: "init");
        kernel.CurrentTask = (ulong)kernel.AddTask(600, parent: parent);
        KfuncPrograms.Target.Update(0, 600);
        KfuncPrograms.Results.Clear();
        Assert.Equal(0, KfuncPrograms.ParentUnderRcu(0, 0));
        Assert.Equal(1L, KfuncPrograms.Results.ToArray()[2]);
        Assert.Equal((0, 0), (kernel.RcuDepth, kernel.HeldReferences));
    }

    [Fact]
    public void A_kfunc_with_a_body_runs_it_in_managed_runs_and_Exists_answers_from_the_managed_kernel()
    {
        var kernel = new ManagedKernel { Pid = 700, Tgid = 700 };
        using var _ = ManagedKernel.Use(kernel);
        kernel.AddTask(701, tgid: 700);
        kernel.MissingKfuncs.Add("NoSuchKfunc"); // as the kernel here: the weak kfunc is absent, so its call is skipped
        KfuncPrograms.Target.Update(0, 700);
        KfuncPrograms.Target.Update(1, 701);
        KfuncPrograms.Results.Clear();
        Assert.Equal(0, KfuncPrograms.GuardedMissing(0, 0));
        Assert.Equal(99L, KfuncPrograms.Results.ToArray()[3]); // the same answer as in the kernel
        Assert.Equal(0, kernel.HeldReferences);
    }

    [Fact]
    public void Managed_kfuncs_refuse_what_the_verifier_refuses()
    {
        var kernel = new ManagedKernel();
        using var _ = ManagedKernel.Use(kernel);
        var task = kernel.AddTask(7);
        Assert.Throws<InvalidOperationException>(() => Kfuncs.RcuReadUnlock());
        Assert.Throws<InvalidOperationException>(() => Kfuncs.TaskRelease(task)); // never acquired
        var held = Kfuncs.TaskFromPid(7);
        Assert.True(held == task);
        Kfuncs.TaskRelease(held);
        Assert.Throws<InvalidOperationException>(() => Kfuncs.TaskRelease(held)); // released twice
        Assert.True(Kfuncs.CgroupFromId(42) == null);
        var cgroup = kernel.AddCgroup(42, level: 2);
        var found = Kfuncs.CgroupFromId(42);
        Assert.Equal(2, found->Level);
        Kfuncs.CgroupRelease(found);
        Assert.Equal(0, kernel.HeldReferences);
        Assert.True(Kfunc.Exists("bpf_task_from_vpid"));
        kernel.MissingKfuncs.Add("bpf_task_from_vpid");
        Assert.False(Kfunc.Exists("bpf_task_from_vpid"));
        Assert.True(found == cgroup);
    }
}
