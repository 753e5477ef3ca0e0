using System.Net;
using System.Net.Sockets;
using Ebpf.Native;
using Ebpf.Programs.Tests.Iterators;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Sockets;

[Collection(Iterators.AttachKindsCollection.Name)]
public class SockMapTests
{
    /// <summary>Two connected TCP sockets on loopback.</summary>
    private static (Socket Client, Socket Server) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        client.ReceiveTimeout = server.ReceiveTimeout = 5000;
        return (client, server);
    }

    private static string ReceiveText(Socket s, int length)
    {
        var buffer = new byte[length];
        int got = 0;
        while (got < length)
        {
            int n = s.Receive(buffer, got, length - got, SocketFlags.None);
            if (n == 0) break;
            got += n;
        }
        return System.Text.Encoding.ASCII.GetString(buffer, 0, got);
    }

    private static bool HasData(Socket s) => s.Poll(200_000, SelectMode.SelectRead) && s.Available > 0;

    [KernelFact]
    public void An_sk_msg_verdict_passes_drops_and_redirects_messages_between_local_sockets()
    {
        var (a, b) = Pair();   // a sends to b
        var (x, y) = Pair();   // y's receive queue gets what the program redirects
        using (a) using (b) using (x) using (y)
        {
            using var bpf = BpfObject.Load(typeof(MessageVerdicts));
            var socks = bpf.Maps[nameof(MessageVerdicts.Socks)];
            var verdicts = bpf.Maps[nameof(MessageVerdicts.Verdicts)].AsArray<ulong>();
            using (var attachment = bpf.Programs[nameof(MessageVerdicts.Verdict)].AsSkMsg().Attach(socks))
            {
                var map = socks.AsSockMap();
                map.Add(0, a);   // sockets take the map's programs when added: after the attach
                map.Add(1, y);
                Assert.NotNull(map.GetCookie(0));

                a.Send("P-pass"u8);
                Assert.Equal("P-pass", ReceiveText(b, 6));

                a.Send("R-redirected"u8);
                Assert.Equal("R-redirected", ReceiveText(y, 12));
                Assert.False(HasData(b), "a redirected message reached its original peer too");

                var dropped = Assert.Throws<SocketException>(() => a.Send("D-dropped"u8));
                Assert.Equal(SocketError.AccessDenied, dropped.SocketErrorCode);
                Assert.False(HasData(b), "a dropped message arrived");
                Assert.Equal([1UL, 1UL, 1UL], verdicts.ToArray());

                Assert.Contains(bpf.Programs[nameof(MessageVerdicts.Verdict)].Info.Id, BpfSyscall.ProgQuery(socks.Fd, BpfAttachType.SkMsgVerdict).ProgramIds);
                Assert.True(map.Remove(0));
                Assert.True(map.Remove(1));
            }
            Assert.Empty(BpfSyscall.ProgQuery(socks.Fd, BpfAttachType.SkMsgVerdict).ProgramIds);

            // Added after Dispose, a socket runs no program: 'D' is sent and arrives.
            socks.AsSockMap().Add(0, a);
            a.Send("D-after"u8);
            Assert.Equal("D-after", ReceiveText(b, 7));
            Assert.Equal(1UL, verdicts[1]);
            socks.AsSockMap().Remove(0);
        }
    }

    [KernelFact]
    public void A_sockhash_takes_sockets_under_typed_keys_and_an_sk_skb_verdict_attaches_to_it()
    {
        var (a, b) = Pair();
        using (a) using (b)
        {
            using var hash = BpfSockHash<ulong>.Create(4, "test_sockhash");
            using var bpf = BpfObject.Load(typeof(SkbPass));
            using (var attachment = bpf.Programs[nameof(SkbPass.Pass)].AsSkSkb().Attach(hash.Map))
            {
                Assert.Equal([bpf.Programs[nameof(SkbPass.Pass)].Info.Id], BpfSyscall.ProgQuery(hash.Map.Fd, BpfAttachType.SkSkbStreamVerdict).ProgramIds);
                hash.Add(42UL, b);
                Assert.NotNull(hash.GetCookie(42UL));
                a.Send("through the verdict"u8);
                Assert.Equal("through the verdict", ReceiveText(b, 19));
                Assert.True(hash.Remove(42UL));
                Assert.Null(hash.GetCookie(42UL));
            }
            Assert.Empty(BpfSyscall.ProgQuery(hash.Map.Fd, BpfAttachType.SkSkbStreamVerdict).ProgramIds);
        }
    }

    [KernelFact]
    public void Attach_and_dispose_a_thousand_times_leaks_no_descriptor_and_leaves_nothing_attached()
    {
        using var bpf = BpfObject.Load(typeof(MessageVerdicts));
        var program = bpf.Programs[nameof(MessageVerdicts.Verdict)].AsSkMsg();
        var socks = bpf.Maps[nameof(MessageVerdicts.Socks)];
        LeakCheck.NoFdLeak(1000, () => program.Attach(socks).Dispose());
        Assert.Empty(BpfSyscall.ProgQuery(socks.Fd, BpfAttachType.SkMsgVerdict).ProgramIds);
    }

    [KernelFact]
    public void A_socket_in_a_state_socket_maps_refuse_is_an_error_naming_the_map_and_the_fix()
    {
        using var map = BpfSockMap.Create(1, "test_sockmap");
        using var unconnected = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var e = Assert.Throws<BpfException>(() => map.Add(0, unconnected));
        Assert.Contains("test_sockmap", e.Message);
        Assert.Contains("connected or listening", e.Message);
    }
}
