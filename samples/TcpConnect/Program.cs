using Ebpf;
using TcpConnect;

// tcpconnect: prints every TCP connect() on this machine (pid, comm, addresses, ports) until Ctrl+C.
try
{
    using var bpf = BpfObject.Load<TcpConnectProgram>();
    using var link = bpf.Programs[nameof(TcpConnectProgram.OnStateChange)].AsTracepoint().Attach("sock/inet_sock_set_state");
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    Console.WriteLine($"{"PID",-7} {"COMM",-16} {"IP",-2} {"SADDR",-39} {"DADDR",-39} DPORT");
    try
    {
        await foreach (var e in bpf.Maps["Events"].AsRingBuffer().ReadAllAsync<ConnectEvent>(stop.Token))
            Console.WriteLine($"{e.Pid,-7} {e.CommText,-16} {(e.Family == 2 ? 4 : 6),-2} {e.SourceAddress,-39} {e.DestinationAddress,-39} {e.DestinationPort}");
    }
    catch (OperationCanceledException) { }
    return 0;
}
catch (BpfException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
