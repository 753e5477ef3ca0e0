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
    IReadOnlyDictionary<string, BpfMap> maps, IReadOnlyDictionary<DataSection, BpfMap> dataMaps)
{
    /// <summary>struct_ops programs by name: the member each implements (from the object's struct_ops maps).</summary>
    public IReadOnlyDictionary<string, StructOpsProgramTarget>? StructOps { get; init; }

    public BpfProgram Load(ProgramSpec program)
    {
        var def = program.Definition ?? throw program.SectionError!;
        var prepared = plan.Program(program);
        var linked = prepared.Linked;
        var buffer = ArrayPool<byte>.Shared.Rent(prepared.Code.Length);
        try
        {
            var code = buffer.AsSpan(0, prepared.Code.Length);
            prepared.Code.CopyTo(code);
            foreach (var site in prepared.Sites)
            {
                var map = site.Data is { } data ? dataMaps[data] : maps[site.MapName!];
                BinaryPrimitives.WriteInt32LittleEndian(code[site.ImmOffset..], map.Fd.Fd);
            }
            var request = new ProgLoadRequest(def.ProgramType, code, spec.License)
            {
                Name = prepared.KernelName,
                ExpectedAttachType = def.ExpectedAttachType,
                Flags = prepared.Flags,
                LogLevel = options.LogLevel,
                KernelVersion = spec.KernelVersion ?? 0,
                AttachBtfId = prepared.AttachBtfId,
            };
            // Without a map member there is no struct to name: the kernel refuses it (ENOTSUPP), explained below.
            if (def.ProgramType == BpfProgramType.StructOps && StructOps?.GetValueOrDefault(program.Name) is { } member)
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
            var fd = Bpf.ProgLoad(request, out var log);
            return new BpfProgram(program.Name, fd, program, linked) { VerifierLog = string.IsNullOrEmpty(log) ? null : log };
        }
        catch (BpfSyscallException e) when (def.ProgramType == BpfProgramType.StructOps && e.Errno == Errno.ENOTSUPP)
        {
            throw new BpfLoadException(StructOps?.GetValueOrDefault(program.Name) is { } target
                ? StructOpsLoading.Refused(program.Name, target, e)
                : $"program '{program.Name}' (section \"{program.SectionName}\") is a struct_ops program, but no struct_ops map of {spec.Source} points a member at it, so it has no kernel struct to load against and the kernel refused it ({e.ErrnoName}); set it in a SEC(\".struct_ops\") or SEC(\".struct_ops.link\") variable", e);
        }
        catch (BpfVerifierException e)
        {
            throw Rejected(program, linked, e);
        }
        catch (BpfSyscallException e) when (TrampolineRefusal.Applies(def, e))
        {
            throw new BpfLoadException($"{TrampolineRefusal.Explain(program.Name, def)} ({e.Operation} failed: {e.ErrnoName}, with no verifier log.)", e);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfLoadException($"program '{program.Name}' (section \"{program.SectionName}\") could not be loaded: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [GeneratedRegex(@"^(\d+): \(", RegexOptions.Multiline)]
    private static partial Regex InstructionLine();

    /// <summary>The verifier's log names each instruction it walks; the last one is where it gave up.</summary>
    private static BpfProgramRejectedException Rejected(ProgramSpec program, LinkedProgram linked, BpfVerifierException e)
    {
        int? slot = null;
        foreach (Match m in InstructionLine().Matches(e.Log))
            slot = int.Parse(m.Groups[1].Value);
        string? source = null;
        if (slot is { } s)
        {
            var line = linked.LineInfos.Where(l => l.InstructionOffset <= s && l.Line != 0).OrderBy(l => l.InstructionOffset).LastOrDefault();
            if (line.FileName is not null)
                source = $"{Path.GetFileName(line.FileName)}:{line.Line}: {line.LineText.Trim()}";
        }
        var reason = e.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => !l.StartsWith("processed ", StringComparison.Ordinal) && !l.StartsWith("verification time", StringComparison.Ordinal) && !l.StartsWith("stack depth", StringComparison.Ordinal)) ?? "no log";
        reason = CoRe.CoRePoison.Explain(linked, slot, reason); // a reached instruction whose CO-RE relocation failed says so
        var where = slot is null ? "" : $" at instruction {slot}" + (source is null ? "" : $" ({source})");
        var message = $"program '{program.Name}' (section \"{program.SectionName}\") was refused by the verifier{where}: {reason}{Environment.NewLine}{e.Message}";
        return new BpfProgramRejectedException(program.Name, message, e.Log, slot, source, e);
    }
}
