using System.Diagnostics.Metrics;
using Ebpf;
using Ebpf.Metrics;

namespace TrafficMonitor;

/// <summary>
/// The traffic map as two counters, one measurement per direction: <c>traffic.packets</c> and <c>traffic.bytes</c> on the
/// meter "Ebpf.traffic" (dotnet-counters monitor -n TrafficMonitor --counters Ebpf.traffic; Prometheus: traffic_packets_total).
/// </summary>
public static class TrafficMetrics
{
    public static void Observe(BpfObject bpf, Meter meter) =>
        meter.ObserveMap(bpf.Maps["traffic"].AsArray<Counters>())
            .Tag("direction", slot => slot == TrafficProgram.IngressSlot ? "ingress" : "egress")
            .Counter("traffic.packets", c => (long)c.Packets, unit: "{packet}", description: "Packets of the cgroup's sockets")
            .Counter("traffic.bytes", c => (long)c.Bytes, unit: "By", description: "Bytes of the cgroup's sockets, from the network header on");
}
