using System.Reflection;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// What the tracing kinds take: a tracepoint a pointer to its record (a struct <c>ebpf generate tracepoint</c> wrote, of the
/// same tracepoint); raw_tracepoint, tp_btf, fentry/fexit/fmod_ret and LSM the traced arguments as parameters (one
/// 64-bit slot each: integers, enums, bool, pointers; fexit's return value last); probes the registers
/// (<see cref="PtRegsContext"/>); perf_event its sample (<see cref="PerfEventContext"/>); an iterator a pointer to its
/// context struct. Each may also take a raw pointer or nothing. fmod_ret and LSM programs return int: 0 or -errno.
/// </summary>
internal static class TracingSignatures
{
    private const int MaxArguments = 13;

    /// <summary>Whether the parameters fit (adding what does not to <paramref name="problems"/>); null for the kinds not handled here.</summary>
    public static bool? Fits(ProgramAttribute attribute, ParameterInfo[] parameters, Type returnType, List<string> problems)
    {
        if (attribute is FModRetAttribute or LsmAttribute && returnType != typeof(int))
            problems.Add($"returns {TypeNames.CSharp(returnType)}, and {(attribute is LsmAttribute ? "an LSM hook" : "fmod_ret")} returns int (0, or a negative errno)");
        switch (attribute)
        {
            case TracePointAttribute tp:
                if (parameters is [var record] && record.ParameterType.IsPointer
                    && record.ParameterType.GetElementType()!.GetCustomAttribute<TracepointRecordAttribute>() is { } of
                    && (of.Category != tp.Category || of.Name != tp.Name))
                {
                    problems.Add($"takes the record of tracepoint {of.Category}/{of.Name}, not of {tp.Category}/{tp.Name} (generate it with 'ebpf generate tracepoint {tp.Category}/{tp.Name}')");
                    return true;
                }
                return parameters is [] || parameters is [{ ParameterType.IsPointer: true }] || parameters is [var p] && IsRawPointer(p.ParameterType);
            case RawTracePointAttribute or TpBtfAttribute or TrampolineAttribute or LsmAttribute:
                return parameters.Length <= MaxArguments && parameters.All(p => Lowering.Layout.IsScalar(p.ParameterType) && !p.ParameterType.IsByRef);
            case UProbeAttribute or URetProbeAttribute or KProbeAttribute or KRetProbeAttribute or KProbeMultiAttribute or KSyscallAttribute or UsdtAttribute:
                return parameters is [] || parameters is [var regs] && (regs.ParameterType == typeof(PtRegsContext) || IsRawPointer(regs.ParameterType));
            case PerfEventAttribute:
                return parameters is [] || parameters is [var sample] && (sample.ParameterType == typeof(PerfEventContext) || IsRawPointer(sample.ParameterType));
            case IterAttribute:
                return parameters is [] || parameters is [{ ParameterType.IsPointer: true }];
            default:
                return null;
        }
    }

    /// <summary>The signature to write, for the message (a tracepoint's record is the struct 'ebpf generate tracepoint' names after the event; traced arguments are integers or pointers).</summary>
    public static string? Expected(ProgramAttribute attribute, string name) => attribute switch
    {
        TracePointAttribute tp => $"static int {name}({Pascal(tp.Name)}* ctx)",
        RawTracePointAttribute or TpBtfAttribute or TrampolineAttribute or LsmAttribute =>
            $"static int {name}(ulong arg0, ...)",
        UProbeAttribute or URetProbeAttribute or KProbeAttribute or KRetProbeAttribute or KProbeMultiAttribute or KSyscallAttribute or UsdtAttribute => $"static int {name}(PtRegsContext regs)",
        PerfEventAttribute => $"static int {name}(PerfEventContext sample)",
        IterAttribute => $"static int {name}(TaskIterContext* ctx)",
        _ => null,
    };

    private static bool IsRawPointer(Type type) => type.IsPointer || type == typeof(nint) || type == typeof(nuint);

    private static string Pascal(string name) => string.Concat(name.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
