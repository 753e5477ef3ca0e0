using Ebpf.Kernel;

namespace Ebpf.Programs.Tests.Tcx;

/// <summary>
/// Three tcx programs that record the order they ran in: each appends its digit to the packet's mark (mark = mark * 10 + n),
/// counts the new mark in <see cref="Marks"/> and hands the packet on (<see cref="TcAction.Unspec"/>, TCX_NEXT).
/// Only IPv4 ICMP is recorded.
/// </summary>
[License("GPL")]
public static class TcxChain
{
    [Map] public static readonly HashMap<uint, ulong> Marks = new(maxEntries: 64);

    [Tcx(TrafficDirection.Ingress)]
    public static TcAction First(SkBuffContext skb) => Step(skb, 1);

    [Tcx(TrafficDirection.Ingress)]
    public static TcAction Second(SkBuffContext skb) => Step(skb, 2);

    [Tcx(TrafficDirection.Ingress)]
    public static TcAction Third(SkBuffContext skb) => Step(skb, 3);

    private static TcAction Step(SkBuffContext skb, uint digit)
    {
        if (!skb.TryLoad(12, out ushort etherType) || etherType != Net.ToNetwork16(0x0800) || !skb.TryLoad(14 + 9, out byte protocol) || protocol != IpProtocol.Icmp)
            return TcAction.Unspec;
        var mark = skb.Mark * 10 + digit;
        skb.Mark = mark;
        Marks.Add(mark, 1);
        return TcAction.Unspec;
    }
}
