using System.Buffers;
using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Ebpf.Linking;
using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Data;
using Ebpf.Object.Programs;

namespace Ebpf.Loading;

/// <summary>
/// Loads the programs of one load of an object from their <see cref="ProgramPlan"/>s: copies the encoded code,
/// writes this load's map descriptors in, and calls BPF_PROG_LOAD; a refusal becomes an exception with the log and the source line.
/// </summary>
internal sealed partial class ProgramLoader(BpfObjectFile spec, ObjectPlan plan, BpfLoadOptions options, BpfBtfFd? btfFd,
    IReadOnlyDictionary<string, BpfMap> maps, IReadOnlyDictionary<DataSection, BpfMap> dataMaps, Externs.ExternResolver externs)
{
    /// <summary>libbpf's POISON_LDIMM64_MAP_BASE: a reference to a map that was not created becomes "invalid func unknown#2001000000+index".</summary>
    private const int MapPoisonBase = 2001000000;

    /// <summary>struct_ops programs by name: the member each implements (from the object's struct_ops maps).</summary>
    public IReadOnlyDictionary<string, StructOpsProgramTarget>? StructOps { get; init; }

    public BpfProgram Load(ProgramSpec program)
    {
        var settings = options.ProgramSettings.GetValueOrDefault(program.Name);
        var def = program.Definition;
        var type = settings?.Type ?? def?.ProgramType ?? throw program.SectionError!;
        var attachType = settings?.ExpectedAttachType ?? def?.ExpectedAttachType;
        var prepared = plan.Program(program);
        var linked = prepared.Linked;
        var buffer = ArrayPool<byte>.Shared.Rent(prepared.Code.Length);
        try
        {
            var code = buffer.AsSpan(0, prepared.Code.Length);
            prepared.Code.CopyTo(code);
            foreach (var site in prepared.Sites)
            {
                if (site.Data is { } data)
                    BinaryPrimitives.WriteInt32LittleEndian(code[site.ImmOffset..], dataMaps[data].Fd.Fd);
                else if (maps.TryGetValue(site.MapName!, out var map))
                    BinaryPrimitives.WriteInt32LittleEndian(code[site.ImmOffset..], map.Fd.Fd);
                else
                    PoisonMap(code[(site.ImmOffset - 4)..], site.MapName!); // AutoCreate = false
            }
            foreach (var site in prepared.Externs)
                Externs.ExternPatch.Apply(code, site.ByteOffset, site.IsCall, site.Extern.Kind, externs.Resolve(site.Extern, program.Name), IndexOf(site.Extern));
            var target = AttachTargets.Resolve(program.Name, def, type, attachType, settings);
            var request = new ProgLoadRequest(type, code, spec.License)
            {
                Name = prepared.KernelName,
                ExpectedAttachType = attachType,
                Flags = settings?.Flags ?? prepared.Flags,
                LogLevel = settings?.LogLevel ?? options.LogLevel,
                LogSize = settings?.LogSize ?? 0,
                KernelVersion = spec.KernelVersion ?? 0,
                AttachBtfId = target.BtfId,
                AttachTarget = target.Program,
                FdArray = externs.FdArray,
            };
            // Without a map member there is no struct to name: the kernel refuses it (ENOTSUPP), explained below.
            if (type == BpfProgramType.StructOps && StructOps?.GetValueOrDefault(program.Name) is { } member)
            {
                request.ExpectedAttachType = (BpfAttachType)member.MemberIndex;
                request.AttachBtfId = member.StructId;
            }
            if (btfFd is not null && linked.FuncInfos.Count > 0)
            {
                request.Btf = btfFd;
                request.FuncInfo = prepared.FuncInfo;
                request.FuncInfoRecordSize = ProgramPlan.FuncInfoSize;
                request.LineInfo = prepared.LineInfo;
                request.LineInfoRecordSize = ProgramPlan.LineInfoSize;
            }
            var fd = BpfSyscall.ProgLoad(request, out var log);
            return new BpfProgram(program.Name, fd, program, linked) { VerifierLog = string.IsNullOrEmpty(log) ? null : log, ExpectedAttachType = attachType };
        }
        catch (BpfSyscallException e) when (type == BpfProgramType.StructOps && e.Errno == SyscallErrno.ENOTSUPP)
        {
            throw new BpfLoadException(StructOps?.GetValueOrDefault(program.Name) is { } target
                ? StructOpsLoading.Refused(program.Name, target, e)
                : $"program '{program.Name}' (section \"{program.SectionName}\") is a struct_ops program, but no struct_ops map of {spec.Source} points a member at it, so it has no kernel struct to load against and the kernel refused it ({e.ErrnoName}); set it in a SEC(\".struct_ops\") or SEC(\".struct_ops.link\") variable", e);
        }
        catch (BpfVerifierException e)
        {
            throw Rejected(program, linked, e);
        }
        catch (BpfSyscallException e) when (KernelRefusal.Applies(e))
        {
            throw new BpfLoadException($"{KernelRefusal.Explain(program.Name, program.SectionName, type, attachType)} ({e.Operation} failed: {e.ErrnoName}, with no verifier log.)", e);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfLoadException($"program '{program.Name}' (section \"{program.SectionName}\") could not be loaded: {e.Message}{TypedKsymHint(prepared, e)}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// ENOENT for a program with typed ksyms: the kernel finds their addresses through kallsyms, which lists variables only
    /// with CONFIG_KALLSYMS_ALL (the BTF id alone is not enough).
    /// </summary>
    private static string TypedKsymHint(ProgramPlan prepared, BpfSyscallException e)
    {
        var typed = prepared.Externs.Where(x => x.Extern.Kind == Object.Externs.ExternKind.TypedKsym).Select(x => x.Extern.Name).Distinct().ToList();
        if (e.Errno != SyscallErrno.ENOENT || typed.Count == 0)
            return "";
        var all = KconfigValues.Raw("CONFIG_KALLSYMS_ALL") is "y" ? "" : " This kernel is built without CONFIG_KALLSYMS_ALL, so kallsyms lists no variables and typed ksyms cannot be used here.";
        return $" The program uses the kernel variable{(typed.Count > 1 ? "s" : "")} {string.Join(", ", typed.Select(t => $"'{t}'"))} (typed __ksym), whose address the kernel looks up in kallsyms and did not find.{all}";
    }

    private int IndexOf(Object.Externs.ExternSpec e)
    {
        for (var i = 0; i < spec.Externs.Count; i++)
            if (ReferenceEquals(spec.Externs[i], e))
                return i;
        return -1;
    }

    /// <summary>As libbpf: both slots of the LD_IMM64 become a call to an unknown helper that names the map, for the verifier to find dead.</summary>
    private void PoisonMap(Span<byte> ldImm64, string map)
    {
        var index = spec.Maps.Select(m => m.Name).ToList().IndexOf(map);
        for (var slot = 0; slot < 2; slot++)
        {
            var ins = ldImm64[(slot * 8)..];
            ins[0] = Asm.OpCode.Call;
            ins[1] = 0;
            BinaryPrimitives.WriteInt16LittleEndian(ins[2..], 0);
            BinaryPrimitives.WriteInt32LittleEndian(ins[4..], MapPoisonBase + index);
        }
    }

    /// <summary>Why a poisoned call was reached ("invalid func unknown#ID": a map not created, a weak kfunc this kernel lacks); null for other reasons.</summary>
    private string? PoisonReason(string reason)
    {
        var at = reason.IndexOf("unknown#", StringComparison.Ordinal);
        if (at < 0 || !long.TryParse(reason.AsSpan(at + 8).TrimEnd(), out var id))
            return null;
        if (id - Externs.ExternPatch.PoisonBase is >= 0 and var e && e < spec.Externs.Count)
            return $"the program reaches a call to kfunc '{spec.Externs[(int)e].Name}', which this kernel does not have (it is __weak, so the object loads only if that call is dead code): guard it with if (bpf_ksym_exists({spec.Externs[(int)e].Name})), in C# if (Kfunc.Exists(\"{spec.Externs[(int)e].Name}\"))";
        if (id - MapPoisonBase is >= 0 and var m && m < spec.Maps.Count)
            return $"the program reaches an instruction that uses map '{spec.Maps[(int)m].Name}', which was not created (options.Map(\"{spec.Maps[(int)m].Name}\").AutoCreate = false): only code the verifier can prune may use it";
        return null;
    }

    [GeneratedRegex(@"^(\d+): \(", RegexOptions.Multiline)]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"Unreleased reference id=\d+ alloc_insn=(\d+)")]
    private static partial Regex UnreleasedReference();

    /// <summary>"File.cs:12: the line's text" of the source line that instruction <paramref name="slot"/> belongs to; null without line info.</summary>
    private static string? SourceOf(LinkedProgram linked, int slot)
    {
        var line = linked.LineInfos.Where(l => l.InstructionOffset <= slot && l.Line != 0).OrderBy(l => l.InstructionOffset).LastOrDefault();
        return line.FileName is null ? null : $"{Path.GetFileName(line.FileName)}:{line.Line}: {line.LineText.Trim()}";
    }

    /// <summary>
    /// What the program did wrong with a kernel object it holds (a kfunc's KF_ACQUIRE result, a map value): a reference not
    /// released on the path to an exit, named by the line that took it; a possibly-null pointer used before its check.
    /// Null for other reasons.
    /// </summary>
    private static string? ReferenceReason(LinkedProgram linked, string log, string reason)
    {
        if (UnreleasedReference().Match(log) is { Success: true } leak)
        {
            var taken = int.Parse(leak.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var where = SourceOf(linked, taken) is { } line ? $" ({line})" : "";
            return $"the reference taken at instruction {taken}{where} is still held when the program returns; release it on every path " +
                "with the kfunc that releases it (bpf_task_release, bpf_cgroup_release, ...; in C# Kfuncs.TaskRelease, Kfuncs.CgroupRelease, ...)";
        }
        if (reason.Contains("invalid mem access", StringComparison.Ordinal) && reason.Contains("or_null", StringComparison.Ordinal))
            return "the pointer may be null (a map lookup, or a kfunc such as bpf_task_from_pid, returns null when it finds nothing); " +
                "compare it with null and use it only where it is not (if (task == null) return 0;)";
        return null;
    }

    /// <summary>The verifier's log names each instruction it walks; the last one is where it gave up.</summary>
    private BpfProgramRejectedException Rejected(ProgramSpec program, LinkedProgram linked, BpfVerifierException e)
    {
        int? slot = null;
        foreach (Match m in InstructionLine().Matches(e.Log))
            slot = int.Parse(m.Groups[1].Value);
        var source = slot is { } s ? SourceOf(linked, s) : null;
        var reason = e.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.StartsWith("processed ", StringComparison.Ordinal) && !l.StartsWith("verification time", StringComparison.Ordinal) && !l.StartsWith("stack depth", StringComparison.Ordinal)) ?? "no log";
        reason = CoRe.CoRePoison.Explain(linked, slot, reason); // a reached instruction whose CO-RE relocation failed says so
        if (PoisonReason(reason) is { } poisoned)
            reason = $"{reason}: {poisoned}";
        else if (ReferenceReason(linked, e.Log, reason) is { } reference)
            reason = $"{reason}: {reference}";
        var where = slot is null ? "" : $" at instruction {slot}" + (source is null ? "" : $" ({source})");
        var message = $"program '{program.Name}' (section \"{program.SectionName}\") was refused by the verifier{where}: {reason}{Environment.NewLine}{e.Message}";
        return new BpfProgramRejectedException(program.Name, message, e.Log, slot, source, e);
    }
}
