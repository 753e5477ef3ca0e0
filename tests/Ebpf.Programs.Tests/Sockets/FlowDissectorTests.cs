using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Sockets;

[Collection(Iterators.AttachKindsCollection.Name)]
public class FlowDissectorTests
{
    private static ulong Dissected(BpfObject bpf) => bpf.Maps[nameof(FlowCounter.Dissected)].AsArray<ulong>()[0];

    // Three datagrams from an unconnected socket carry no socket hash, so RPS on loopback hashes each by its flow:
    // that runs the namespace's flow dissector.
    private static void SendDatagrams(TestNamespace ns) => ns.Exec("python3", "-c",
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor i in range(3): s.sendto(b'x', ('127.0.0.1', 9))");

    [KernelFact]
    public void A_flow_dissector_runs_for_the_packets_of_its_namespace_and_only_while_attached()
    {
        using var ns = new TestNamespace();
        ns.Exec("sh", "-c", "echo 1 > /sys/class/net/lo/queues/rx-0/rps_cpus");
        using var bpf = BpfObject.Load(typeof(FlowCounter));
        using (var link = bpf.Programs[nameof(FlowCounter.Count)].AsFlowDissector().Attach(ns.Netns))
        {
            var query = BpfSyscall.ProgQuery(ns.Netns.Handle, BpfAttachType.FlowDissector);
            Assert.Equal([bpf.Programs[nameof(FlowCounter.Count)].Info.Id], query.ProgramIds);
            SendDatagrams(ns);
            Assert.True(Dissected(bpf) >= 3, $"the flow dissector saw {Dissected(bpf)} packets for 3 datagrams");

            // One flow dissector per namespace: a second one is refused with the fix.
            var e = Assert.Throws<BpfException>(() => bpf.Programs[nameof(FlowCounter.Count)].AsFlowDissector().Attach(ns.Netns));
            Assert.Contains("'Count'", e.Message);
            Assert.Contains("dispose its link", e.Message);
        }
        var after = Dissected(bpf);
        SendDatagrams(ns);
        Assert.Equal(after, Dissected(bpf));
        Assert.Empty(BpfSyscall.ProgQuery(ns.Netns.Handle, BpfAttachType.FlowDissector).ProgramIds);
    }
}
