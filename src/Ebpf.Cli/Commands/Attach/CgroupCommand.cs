using System.CommandLine;
using Ebpf.Cli.Output;
using Ebpf.Native;

namespace Ebpf.Cli.Commands.Attach;

/// <summary><c>ebpf cgroup show CGROUP [--json]</c>: the programs attached to a cgroup, per attach type, in run order.</summary>
internal static class CgroupCommand
{
    /// <summary>Every attach type a cgroup has a hook for.</summary>
    public static readonly BpfAttachType[] AttachTypes =
    [
        BpfAttachType.CgroupInetIngress, BpfAttachType.CgroupInetEgress, BpfAttachType.CgroupInetSockCreate,
        BpfAttachType.CgroupInetSockRelease, BpfAttachType.CgroupSockOps, BpfAttachType.CgroupDevice,
        BpfAttachType.CgroupInet4Bind, BpfAttachType.CgroupInet6Bind, BpfAttachType.CgroupInet4Connect,
        BpfAttachType.CgroupInet6Connect, BpfAttachType.CgroupInet4PostBind, BpfAttachType.CgroupInet6PostBind,
        BpfAttachType.CgroupUdp4Sendmsg, BpfAttachType.CgroupUdp6Sendmsg, BpfAttachType.CgroupUdp4Recvmsg,
        BpfAttachType.CgroupUdp6Recvmsg, BpfAttachType.CgroupInet4Getpeername, BpfAttachType.CgroupInet6Getpeername,
        BpfAttachType.CgroupInet4Getsockname, BpfAttachType.CgroupInet6Getsockname, BpfAttachType.CgroupSysctl,
        BpfAttachType.CgroupGetsockopt, BpfAttachType.CgroupSetsockopt,
    ];

    private sealed record Attached(string AttachType, uint Id, string Name, string Type, string Flags);

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cgroupPath = new Argument<string>("cgroup") { Description = "The cgroup" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var show = new Command("show", "List the programs attached to a cgroup") { cgroupPath, json };
        show.SetAction(parse => CommandRunner.Run(stderr, () =>
        {
            using var cgroup = Cgroup.Open(parse.GetValue(cgroupPath)!);
            var rows = new List<Attached>();
            foreach (var attachType in AttachTypes)
            {
                var query = BpfSyscall.ProgQuery(cgroup.Handle, attachType);
                foreach (var id in query.ProgramIds)
                {
                    using var fd = BpfSyscall.ProgGetFdById(id);
                    var info = BpfSyscall.GetProgramInfo(fd);
                    rows.Add(new Attached(Names.Snake(attachType), id, info.Name, Names.Snake(info.Type), query.AttachFlags.ToString().ToLowerInvariant()));
                }
            }
            if (parse.GetValue(json))
            {
                Json.Write(stdout, rows);
                return;
            }
            stdout.WriteLine($"cgroup {cgroup.Path} (id {cgroup.Id})");
            if (rows.Count == 0)
            {
                stdout.WriteLine("  no programs attached");
                return;
            }
            var table = new Table("ATTACH TYPE", "ID", "NAME", "TYPE", "FLAGS");
            foreach (var r in rows)
                table.Add(r.AttachType, r.Id, r.Name, r.Type, r.Flags);
            table.Write(stdout);
        }));
        return new Command("cgroup", "Inspect cgroups") { show };
    }
}
