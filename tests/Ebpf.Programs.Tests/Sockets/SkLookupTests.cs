using System.Net;
using System.Net.Sockets;
using Ebpf.Programs.Tests.Iterators;
using Ebpf.Tests;

namespace Ebpf.Programs.Tests.Sockets;

[Collection(Iterators.AttachKindsCollection.Name)]
public class SkLookupTests
{
    private static Socket Tcp() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private static int Port(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

    /// <summary>The C# program (<see cref="Steering"/>) and its clang twin (tests/fixtures/sk_lookup.c), to show foreign objects work alike.</summary>
    private static (BpfObject Bpf, string Target, string Config, string Program) Load(bool clang) => clang
        ? (BpfObject.Load(Fixtures.Path("sk_lookup")), "target", "config", "steer")
        : (BpfObject.Load(typeof(Steering)), nameof(Steering.Target), nameof(Steering.Config), nameof(Steering.Steer));

    [KernelTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sk_lookup_steers_connections_for_a_port_to_the_chosen_socket_until_disposed(bool clang)
    {
        // The chosen socket listens on one port; the steered port is held bound (not listening) by the test, so
        // nothing else can take it and, without the program, a connection to it is refused.
        using var listener = Tcp();
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        using var reserved = Tcp();
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int steeredPort = Port(reserved);

        var (bpf, target, configName, program) = Load(clang);
        using var _ = bpf;
        var config = bpf.Maps[configName].AsArray<uint>();
        config[0] = (uint)steeredPort;
        bpf.Maps[target].AsSockMap().Add(0, listener);

        using (var netns = NetworkNamespace.Open("/proc/self/ns/net"))
        using (var link = bpf.Programs[program].AsSkLookup().Attach(netns))
        {
            using var client = Tcp();
            client.Connect(new IPEndPoint(IPAddress.Loopback, steeredPort));
            using var accepted = listener.Accept();
            Assert.Equal(steeredPort, Port(accepted)); // the connection kept the address it was made to
            client.Send("ping"u8);
            var buffer = new byte[4];
            Assert.Equal(4, accepted.Receive(buffer));
            Assert.Equal("ping"u8.ToArray(), buffer);
            Assert.True(config[1] >= 1, "the program counted no steered lookup");
            Assert.Equal(BpfLinkType.Netns, link.Info.Type);
        }

        using var late = Tcp();
        var refused = Assert.Throws<SocketException>(() => late.Connect(new IPEndPoint(IPAddress.Loopback, steeredPort)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [KernelFact]
    public void Attach_and_dispose_a_thousand_times_leaks_no_descriptor_and_no_link()
    {
        using var bpf = BpfObject.Load(typeof(Steering));
        var program = bpf.Programs[nameof(Steering.Steer)].AsSkLookup();
        using var netns = new TestNamespace();
        var target = netns.Netns;
        uint lastId = 0;
        LeakCheck.NoFdLeak(1000, () =>
        {
            using var link = program.Attach(target);
            lastId = link.Info.Id;
        });
        Assert.False(BpfLinks.Exists(lastId));
    }

    [KernelFact]
    public void A_namespace_that_does_not_exist_names_the_command_that_makes_it()
    {
        var e = Assert.Throws<BpfException>(() => NetworkNamespace.Open("ebpf-no-such-ns"));
        Assert.Contains("ip netns add ebpf-no-such-ns", e.Message);
    }
}
