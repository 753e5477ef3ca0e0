namespace Ebpf;

/// <summary>The clsact hook a legacy tc filter runs on: packets the interface receives, or sends.</summary>
public enum TcDirection
{
    /// <summary>Packets the interface receives.</summary>
    Ingress,
    /// <summary>Packets the interface sends.</summary>
    Egress,
}
