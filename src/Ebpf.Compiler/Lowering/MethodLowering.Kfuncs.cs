using System.Reflection;
using Ebpf.Asm;
using Ebpf.Compiler.Diagnostics;
using Ebpf.Compiler.Ir;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Lowering;

/// <summary>
/// Kfuncs: a call to a method marked [Kfunc] is a call to an extern function, as clang emits one (a pseudo call to -1 the
/// object relocates against the kfunc's undefined symbol; the loader makes it BPF_PSEUDO_KFUNC_CALL with the kernel's BTF
/// id). Arguments in r1-r5, the result in r0, r1-r5 clobbered, as for helpers. <see cref="Kfunc.Exists(string)"/> is an
/// LD_IMM64 of the symbol compared with 0 (bpf_ksym_exists).
/// </summary>
internal sealed partial class MethodLowering
{
    /// <summary>Lowers a call to a [Kfunc] method or to <see cref="Kfunc.Exists(string)"/>; false for every other callee.</summary>
    private bool KfuncCall(MethodBase callee)
    {
        if (callee.DeclaringType == typeof(Kfunc) && callee.Name == nameof(Kfunc.Exists))
        {
            KfuncExists(Pop());
            return true;
        }
        if (callee.GetCustomAttribute<KfuncAttribute>() is null)
            return false;
        var method = CheckKfunc(callee);
        var args = PopArguments(callee);
        var parameters = method.GetParameters();
        var prepared = new List<Operand>();
        for (var i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            var value = args[i];
            if (type.IsByRef)
                value = PointerArgument(value, type.GetElementType()!, output: parameters[i].IsOut); // the kfunc reads (or writes) the frame
            else if (value.Kind == OperandKind.Condition)
                value = Operand.InRegister(_b.SetCondition(value), typeof(bool), false, true); // before r1-r5 fill: materialising could clobber them
            prepared.Add(value);
        }
        _owner.PacketPointersInvalidated = true; // the kernel function may change the packet as any helper not known to leave it
        for (var i = 0; i < prepared.Count; i++)
            _b.MoveInto(i + 1, prepared[i]);
        _b.Emit(new MachineInstr(Instruction.CallPseudo(-1)) { CallArguments = prepared.Count, Kfunc = method });
        var returns = method.ReturnType;
        if (returns == typeof(void))
            return true;
        var result = _b.NewVreg();
        if (returns.IsPointer || Layout.IsWide(returns))
        {
            // A kernel pointer (possibly null: the program compares it first) or a 64-bit value, kept whole.
            _b.Emit(Instruction.Mov64(0, (Register)0), result, 0);
            Push(Operand.InRegister(result, returns, true, temporary: true));
            return true;
        }
        _b.Emit(Instruction.Mov32(0, (Register)0), result, 0);
        // A C function returning bool or a small integer sets only the low bits of r0.
        if (returns == typeof(bool)) _b.Emit(Instruction.Alu32(AluOp.And, 0, 0xff), result);
        else Normalize(result, returns);
        Push(Operand.InRegister(result, returns == typeof(bool) ? typeof(int) : returns.IsEnum ? Enum.GetUnderlyingType(returns) : returns, false, temporary: true));
        return true;
    }

    /// <summary>The kfunc's declaration, refused with EBPF100 where the kernel could not call it as declared.</summary>
    private MethodInfo CheckKfunc(MethodBase callee)
    {
        var name = $"{callee.DeclaringType?.Name}.{callee.Name}";
        if (callee is not MethodInfo method || !callee.IsStatic)
            throw Error(DiagnosticCodes.KfuncDeclaration, $"[Kfunc] {name} is not static; a kfunc is a kernel function, declare it 'static extern' (or static with a body for managed runs)");
        if (callee.IsGenericMethod || callee.DeclaringType is { ContainsGenericParameters: true } or { IsGenericType: true })
            throw Error(DiagnosticCodes.KfuncDeclaration, $"[Kfunc] {name} is generic; the kernel function has one prototype: declare it with the kernel's types");
        var kernelName = KfuncName(method);
        if (!System.Text.RegularExpressions.Regex.IsMatch(kernelName, "^[A-Za-z_][A-Za-z0-9_]*$"))
            throw Error(DiagnosticCodes.KfuncDeclaration, $"[Kfunc(\"{kernelName}\")] on {name}: '{kernelName}' is not a C identifier; give the kernel's name of the function (bpf_task_from_pid)");
        var parameters = method.GetParameters();
        if (parameters.Length > MaxArguments)
            throw Error(DiagnosticCodes.KfuncDeclaration, $"[Kfunc] {name} takes {parameters.Length} parameters; a kfunc gets at most {MaxArguments}, in r1-r5");
        foreach (var p in parameters)
            if (!InRegister(p.ParameterType))
                throw Error(DiagnosticCodes.KfuncDeclaration, $"[Kfunc] {name}: parameter '{p.Name}' is a {p.ParameterType.Name}, which does not fit a register; a kfunc takes integers, enums, bool and pointers (a struct by pointer, or 'ref'/'in'/'out' for one on the stack)");
        if (method.ReturnType != typeof(void) && (method.ReturnType.IsByRef || !InRegister(method.ReturnType)))
            throw Error(DiagnosticCodes.KfuncDeclaration, $"[Kfunc] {name} returns a {method.ReturnType.Name}, which does not fit r0; a kfunc returns void, an integer, an enum, bool or a pointer");
        return method;

        static bool InRegister(Type t) => t.IsByRef ? t.GetElementType() is { IsValueType: true } e && !e.IsByRefLike : t.IsPointer || t.IsPrimitive && t != typeof(float) && t != typeof(double) || t.IsEnum;
    }

    /// <summary>The kernel's name of a kfunc: the attribute's, else the method's.</summary>
    internal static string KfuncName(MethodInfo method) => method.GetCustomAttribute<KfuncAttribute>()?.Name ?? method.Name;

    /// <summary>
    /// <see cref="Kfunc.Exists(string)"/>: LD_IMM64 of the weak kfunc's symbol, which the loader sets to its BTF id, or to 0
    /// when this kernel lacks it; the comparison with 0 is then a known branch the verifier prunes.
    /// </summary>
    private void KfuncExists(Operand name)
    {
        if (name.Kind != OperandKind.String)
            throw Error(DiagnosticCodes.KfuncExists, "Kfunc.Exists needs the kfunc's name as a literal (\"bpf_task_from_vpid\" or nameof(TaskFromVpid)); the loader answers for one symbol");
        var declared = DeclaredKfuncs().Where(m => KfuncName(m) == name.Text || m.Name == name.Text).ToList();
        if (declared.Count == 0)
            throw Error(DiagnosticCodes.KfuncExists, $"Kfunc.Exists(\"{name.Text}\") names no kfunc of this program; declare it with [Kfunc(\"{name.Text}\", Weak = true)] on a static extern method of the program's class");
        var method = declared[0];
        if (!method.GetCustomAttribute<KfuncAttribute>()!.Weak)
            throw Error(DiagnosticCodes.KfuncExists, $"Kfunc.Exists(\"{name.Text}\"): {method.DeclaringType!.Name}.{method.Name} is not weak, so the object only loads where the kernel has it and the answer is always true; declare it [Kfunc(Weak = true)]");
        var address = _b.NewVreg();
        _b.Emit(new MachineInstr(Instruction.LoadImm64(0, 0, LdImm64Source.None), address) { Kfunc = CheckKfunc(method) });
        Push(MakeCompare(JumpOp.Jne, Operand.InRegister(address, typeof(ulong), true, temporary: true), Operand.Constant(0, wide: true)));
    }

    /// <summary>The [Kfunc] methods this program can name: those of its class and its assembly, then the kernel-side library's.</summary>
    private IEnumerable<MethodInfo> DeclaredKfuncs()
    {
        const BindingFlags all = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        var home = _owner.CallChain.Last().DeclaringType!;
        IEnumerable<Type> types = [home, .. home.Assembly.GetTypes().Where(t => t != home), typeof(Kfuncs)];
        return types.SelectMany(t => t.GetMethods(all)).Where(m => m.IsDefined(typeof(KfuncAttribute), false));
    }
}
