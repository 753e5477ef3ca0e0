using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Ebpf.Asm;
using Ebpf.Compiler.Ir;
using Ebpf.Compiler.Lowering;
using Ebpf.Compiler.Metadata;
using Ebpf.Compiler.Registers;

namespace Ebpf.Compiler.CodeGen;

/// <summary>
/// Compiles one static method, with every method it calls inlined, to a BPF function: IL is lowered to instructions
/// over virtual registers (<see cref="MethodLowering"/>), registers are allocated by graph colouring
/// (<see cref="RegisterAllocator"/>), and the <see cref="Emitter"/> lays the blocks out. Semantics follow C# unchecked
/// arithmetic; `/` and `%` need a non-zero constant divisor (else Bpf.Div / Bpf.Mod).
/// </summary>
internal static class FunctionCompiler
{
    /// <summary>Compiles a method of the assembly <paramref name="input"/> was opened on.</summary>
    public static CompiledFunction Compile(AssemblyInput input, MethodDefinitionHandle method, IReadOnlyDictionary<string, MapInfo>? maps = null) =>
        Compile(input, input.Resolve(method), maps);

    /// <summary>
    /// Compiles <paramref name="method"/>; <paramref name="maps"/> are its class's [Map] fields by field name.
    /// <paramref name="directPacketAccess"/> says whether the program type reads packets through data/data_end;
    /// <paramref name="verdict"/>, the enum whose values a program must return; <paramref name="programType"/>, which
    /// helpers it may call.
    /// </summary>
    public static CompiledFunction Compile(AssemblyInput input, MethodBase method, IReadOnlyDictionary<string, MapInfo>? maps = null, bool directPacketAccess = false, Type? verdict = null,
        Ebpf.BpfProgramType? programType = null, LogLines? logs = null, string? section = null)
    {
        var name = $"{method.DeclaringType?.Name}.{method.Name}";
        if (!method.IsStatic)
            throw new CompilerException(input.LocationOf(Handle(method), 0), "EBPF010", $"only static methods can be compiled to BPF; make the method static (in {name})");
        var packetViews = true;
        while (true)
        {
            // Locals whose address must be real go to the frame, found before lowering (EscapeAnalysis).
            var escaped = new HashSet<(MethodBase, int)>();
            var lowering = new FunctionLowering(input, method.Name, maps ?? new Dictionary<string, MapInfo>(), escaped, directPacketAccess, packetViews) { ProgramType = programType, Logs = logs, Section = section };
            lowering.MapsOf(method.DeclaringType!);
            EscapeAnalysis.Run(lowering, method, escaped);
            lowering.CallChain.Push(method);
            new MethodLowering(lowering, method, null, 0).Lower();
            if (packetViews && lowering.PacketPointersInvalidated && lowering.Builder.Function.Blocks.Count > 0 && lowering.UsedPacketViews)
            {
                packetViews = false; // a helper may move the packet: headers are copied to the frame instead
                continue;
            }
            lowering.Builder.SettleFrame();
            var function = lowering.Builder.Function;
            Optimizer.Run(function);
            if (verdict is { IsEnum: true })
                ReturnValues.Check(function, verdict, Enum.GetValues(verdict).Cast<object>().Select(v => Convert.ToInt64(v)).ToHashSet());
            ZeroLiveIns(function);
            MarkLoops(function);
            var frame = RegisterAllocator.Allocate(function, message => new CompilerException(input.LocationOf(Handle(method), 0), "EBPF013", $"{message} (in {name})"));
            ExitMerging.Run(function);
            logs?.Sites.AddRange(lowering.LogSites);
            return Emitter.Emit(function, frame) with { LogSites = lowering.LogSites };
        }
    }

    private static MethodDefinitionHandle Handle(MethodBase method) => MetadataTokens.MethodDefinitionHandle(method.MetadataToken & 0xffffff);

    /// <summary>
    /// A register read on some path before any write (a C# local the IL reads before assigning on that path, which
    /// .locals init makes zero) starts as zero: the verifier refuses reading a register never written.
    /// </summary>
    private static void ZeroLiveIns(IrFunction function)
    {
        var entry = function.Blocks[0];
        var live = new Liveness(function).LiveIn(entry).Where(Vreg.IsVirtual).OrderBy(r => r).ToList();
        entry.Code.InsertRange(0, live.Select(r => new MachineInstr(Instruction.Mov64(0, 0), r) { Location = entry.Code.FirstOrDefault()?.Location }));
    }

    /// <summary>Loop depth per block from the back edges of the layout, so spilling avoids values used in loops.</summary>
    private static void MarkLoops(IrFunction function)
    {
        var index = function.Blocks.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i);
        foreach (var block in function.Blocks)
            foreach (var successor in block.Successors())
                if (index[successor] <= index[block])
                    for (var i = index[successor]; i <= index[block]; i++)
                        function.Blocks[i].LoopDepth++;
    }
}
