using System.CommandLine;
using Ebpf.Native;

namespace Ebpf.Cli.Commands.Attach;

/// <summary>
/// <c>ebpf detach PIN</c> removes a pinned link and detaches its program; <c>ebpf detach cgroup CGROUP --program-id ID</c>
/// detaches a program from a cgroup however it was attached (link or BPF_PROG_ATTACH).
/// </summary>
internal static class DetachCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var pin = new Argument<string>("pin") { Description = "A pinned link on bpffs" };
        var command = new Command("detach", "Detach a pinned link, or a program from a cgroup") { pin };
        command.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            var path = parse.GetValue(pin)!;
            bool detached = true;
            using (var link = BpfSyscall.ObjGetLink(path))
            {
                try { BpfSyscall.LinkDetach(link); }
                // Perf event, raw tracepoint and tracing links have no forced detach: removing the pin releases them
                // once no process holds a descriptor of them.
                catch (BpfSyscallException e) when (e.IsNotSupported) { detached = false; }
            }
            File.Delete(path);
            stdout.WriteLine(detached ? $"detached and unpinned {path}" : $"unpinned {path}; the link goes when no process holds it any more");
        }));

        var cgroupPath = new Argument<string>("cgroup") { Description = "The cgroup" };
        var programId = new Option<uint>("--program-id") { Description = "The attached program's id (ebpf cgroup show lists them)", Required = true };
        var fromCgroup = new Command("cgroup", "Detach a program from a cgroup") { cgroupPath, programId };
        fromCgroup.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            using var cgroup = Cgroup.Open(parse.GetValue(cgroupPath)!);
            var id = parse.GetValue(programId);
            foreach (var attachType in CgroupCommand.AttachTypes)
            {
                if (!cgroup.AttachedPrograms(attachType).Contains(id))
                    continue;
                // A link made the attachment: detach the link, since BPF_PROG_DETACH refuses link-owned programs.
                foreach (var linkId in BpfSyscall.GetIds(BpfObjectKind.Link))
                {
                    using var link = BpfSyscall.LinkGetFdById(linkId);
                    var info = BpfSyscall.GetLinkInfo(link);
                    if (info.ProgramId == id && info.CgroupId == cgroup.Id && info.AttachType == attachType)
                    {
                        BpfSyscall.LinkDetach(link);
                        stdout.WriteLine($"detached program {id} from {cgroup.Path} ({attachType}, link {linkId})");
                        return;
                    }
                }
                using var program = BpfSyscall.ProgGetFdById(id);
                BpfSyscall.ProgDetach(cgroup.Handle, program, attachType);
                stdout.WriteLine($"detached program {id} from {cgroup.Path} ({attachType})");
                return;
            }
            throw new BpfException($"program {id} is not attached to {cgroup.Path}; see ebpf cgroup show {cgroup.Path}");
        }));
        command.Subcommands.Add(fromCgroup);
        return command;
    }
}
