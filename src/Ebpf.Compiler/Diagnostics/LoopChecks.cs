using System.Reflection.Metadata;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Loops the verifier can never bound. The verifier walks a loop iteration by iteration until the exit is taken, so a loop
/// that cannot end is refused after a long wait (or burns the 1,000,000-instruction budget) with a message about jumps.
/// Caught here, from the IL's control-flow graph:
/// <list type="bullet">
/// <item>a loop with no exit edge at all: `while (true)` or `for (;;)` with no break, return or goto out (EBPF044);</item>
/// <item>a loop whose every exit condition is computed, within its block, only from constants and locals or arguments
/// that nothing in the loop writes (`while (n &gt; 0) { sum += 2; }`): once entered, it never leaves (EBPF045).</item>
/// </list>
/// Not caught, on purpose (no false alarms): a condition that reads a call, a map, the context, memory, a static field, a
/// value carried on the stack from another block, or a variable whose address is taken (any of those may change); a
/// variable the loop writes without changing it (`x = 5`); bounds that are merely too large for the verifier's budget.
/// Ordinary `for (var i = 0; i &lt; n; i++)` loops write their condition's variable and pass; the verifier judges their bound.
/// </summary>
internal static class LoopChecks
{
    public static void Check(AssemblyInput input, MethodDefinitionHandle method, IReadOnlyList<ILInstruction> code)
    {
        var graph = ControlFlowGraph.Build(code);
        // A variable whose address is taken can change through the pointer anywhere; count it written in every loop.
        var addressed = code.Select(Addressed).OfType<Variable>().ToHashSet();
        foreach (var loop in graph.Loops())
        {
            var exits = loop.Exits.ToList();
            if (exits.Count == 0)
                throw new CompilerException(input.LocationOf(method, loop.Header.Start), DiagnosticCodes.EndlessLoop,
                    "this loop never ends: it has no break, return or condition that leaves it, and the verifier refuses a loop it cannot bound; " +
                    $"give it an exit, best a for loop with a constant bound such as 'for (var i = 0; i < 64; i++)' (in {input.MethodName(method)})");
            var written = loop.Body.SelectMany(b => b.Instructions).Select(Stored).OfType<Variable>().Concat(addressed).ToHashSet();
            var conditions = exits.Select(e => e.From).Distinct().Select(Condition).ToList();
            if (conditions.Any(c => c is null || c.Overlaps(written)))
                continue;
            var read = conditions.SelectMany(c => c!).Distinct().OrderBy(v => v.IsArgument).ThenBy(v => v.Index).ToList();
            var names = new VariableNames(input, method);
            var what = read.Count == 0
                ? "its exit condition is constant"
                : $"its exit condition reads only {string.Join(", ", read.Select(names.Of))}, which nothing in the loop changes";
            throw new CompilerException(input.LocationOf(method, exits[0].From.Last.Offset), DiagnosticCodes.InvariantLoopCondition,
                $"this loop never ends once entered: {what}, and the verifier refuses a loop it cannot bound; update the condition's variable " +
                $"in the loop, or use a for loop with a constant bound such as 'for (var i = 0; i < 64; i++)' (in {input.MethodName(method)})");
        }
    }

    /// <summary>
    /// The variables a block's final branch condition is computed from, evaluating the block symbolically: a local stored
    /// earlier in the same block stands for what was stored (so Debug builds' `stloc tmp; ldloc tmp; brtrue` reads through).
    /// Null when the condition may read anything else: a call, memory, a static field, a value from another block.
    /// </summary>
    private static HashSet<Variable>? Condition(BasicBlock block)
    {
        var stack = new Stack<HashSet<Variable>?>();
        var stored = new Dictionary<Variable, HashSet<Variable>?>();
        HashSet<Variable>? Pop() => stack.TryPop(out var v) ? v : null; // below the block's start: from another block
        HashSet<Variable>? Union(HashSet<Variable>? a, HashSet<Variable>? b) => a is null || b is null ? null : [.. a, .. b];

        foreach (var ins in block.Instructions)
        {
            var op = ins.OpCode;
            if (Loaded(ins) is { } load)
                stack.Push(stored.TryGetValue(load, out var value) ? value : [load]);
            else if (Stored(ins) is { } store)
                stored[store] = Pop();
            else if (op is >= ILOpCode.Ldc_i4_m1 and <= ILOpCode.Ldc_r8 or ILOpCode.Ldnull)
                stack.Push([]);
            else if (op == ILOpCode.Dup)
                stack.Push(stack.TryPeek(out var top) ? top : null);
            else if (op == ILOpCode.Pop)
                Pop();
            else if (op == ILOpCode.Nop)
                continue;
            else if (IsBinary(op))
                stack.Push(Union(Pop(), Pop()));
            else if (op is ILOpCode.Neg or ILOpCode.Not || op.ToString().StartsWith("Conv_", StringComparison.Ordinal))
                stack.Push(Pop());
            else if (ins == block.Last && (ins.Targets is not null || op.IsBranch()))
                return op switch
                {
                    ILOpCode.Brtrue or ILOpCode.Brtrue_s or ILOpCode.Brfalse or ILOpCode.Brfalse_s or ILOpCode.Switch => Pop(),
                    ILOpCode.Br or ILOpCode.Br_s or ILOpCode.Leave or ILOpCode.Leave_s => null,
                    _ => Union(Pop(), Pop()),
                };
            else
                return null; // calls, memory, fields, addresses: the condition may depend on anything
        }
        return null; // the block falls through: the exit is not a condition of this block
    }

    private static bool IsBinary(ILOpCode op) => op is ILOpCode.Add or ILOpCode.Sub or ILOpCode.Mul or ILOpCode.Div or ILOpCode.Div_un
        or ILOpCode.Rem or ILOpCode.Rem_un or ILOpCode.And or ILOpCode.Or or ILOpCode.Xor or ILOpCode.Shl or ILOpCode.Shr or ILOpCode.Shr_un
        or ILOpCode.Ceq or ILOpCode.Cgt or ILOpCode.Cgt_un or ILOpCode.Clt or ILOpCode.Clt_un
        or ILOpCode.Add_ovf or ILOpCode.Add_ovf_un or ILOpCode.Sub_ovf or ILOpCode.Sub_ovf_un or ILOpCode.Mul_ovf or ILOpCode.Mul_ovf_un;

    private static Variable? Loaded(ILInstruction ins) => ins.OpCode switch
    {
        >= ILOpCode.Ldarg_0 and <= ILOpCode.Ldarg_3 => new Variable(true, ins.OpCode - ILOpCode.Ldarg_0),
        ILOpCode.Ldarg_s or ILOpCode.Ldarg => new Variable(true, ins.Int),
        >= ILOpCode.Ldloc_0 and <= ILOpCode.Ldloc_3 => new Variable(false, ins.OpCode - ILOpCode.Ldloc_0),
        ILOpCode.Ldloc_s or ILOpCode.Ldloc => new Variable(false, ins.Int),
        _ => null,
    };

    private static Variable? Stored(ILInstruction ins) => ins.OpCode switch
    {
        >= ILOpCode.Stloc_0 and <= ILOpCode.Stloc_3 => new Variable(false, ins.OpCode - ILOpCode.Stloc_0),
        ILOpCode.Stloc_s or ILOpCode.Stloc => new Variable(false, ins.Int),
        ILOpCode.Starg_s or ILOpCode.Starg => new Variable(true, ins.Int),
        _ => null,
    };

    private static Variable? Addressed(ILInstruction ins) => ins.OpCode switch
    {
        ILOpCode.Ldloca_s or ILOpCode.Ldloca => new Variable(false, ins.Int),
        ILOpCode.Ldarga_s or ILOpCode.Ldarga => new Variable(true, ins.Int),
        _ => null,
    };
}

/// <summary>An IL argument or local by index.</summary>
internal readonly record struct Variable(bool IsArgument, int Index);

/// <summary>Names of arguments (from metadata) and locals (from the PDB's scopes) for messages; "local 3" where none is recorded.</summary>
internal sealed class VariableNames
{
    private readonly Dictionary<Variable, string> _names = [];

    public VariableNames(AssemblyInput input, MethodDefinitionHandle method)
    {
        var md = input.Metadata;
        var definition = md.GetMethodDefinition(method);
        // IL argument 0 is `this` in an instance method; parameter sequence numbers count from 1.
        var shift = (definition.Attributes & System.Reflection.MethodAttributes.Static) != 0 ? 1 : 0;
        foreach (var handle in definition.GetParameters())
        {
            var parameter = md.GetParameter(handle);
            if (parameter.SequenceNumber > 0)
                _names[new Variable(true, parameter.SequenceNumber - shift)] = md.GetString(parameter.Name);
        }
        if (input.Pdb is not { } pdb)
            return;
        foreach (var scope in pdb.GetLocalScopes(method))
            foreach (var local in pdb.GetLocalScope(scope).GetLocalVariables())
            {
                var variable = pdb.GetLocalVariable(local);
                if ((variable.Attributes & LocalVariableAttributes.DebuggerHidden) == 0)
                    _names[new Variable(false, variable.Index)] = pdb.GetString(variable.Name);
            }
    }

    public string Of(Variable v) => _names.TryGetValue(v, out var name) ? $"'{name}'" : v.IsArgument ? $"argument {v.Index}" : $"local {v.Index}";
}
