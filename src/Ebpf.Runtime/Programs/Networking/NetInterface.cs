using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// A network interface by name and index, in this thread's network namespace or in a given one: the target of XDP and
/// tcx links. Resolving checks that the interface exists, so a typo fails here with the interface's name.
/// </summary>
public sealed class NetInterface
{
    private NetInterface(string name, uint index, NetworkNamespace? ns)
    {
        Name = name; Index = index; Namespace = ns;
    }

    /// <summary>The interface's name, e.g. "eth0".</summary>
    public string Name { get; }

    /// <summary>The ifindex (per namespace: the same number names different interfaces in different namespaces).</summary>
    public uint Index { get; }

    /// <summary>The namespace the interface lives in, or null for the calling thread's.</summary>
    public NetworkNamespace? Namespace { get; }

    /// <summary>The interface called <paramref name="name"/> (if_nametoindex), in <paramref name="ns"/> or this thread's namespace.</summary>
    public static NetInterface Get(string name, NetworkNamespace? ns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var index = RunIn(ns, () => NetDevices.IndexOf(name))
            ?? throw new BpfException($"no network interface '{name}' in {Where(ns)}; list them with `{(ns is null ? "" : $"ip netns exec {ns.Name} ")}ip link`");
        return new NetInterface(name, index, ns);
    }

    /// <summary>The interface with index <paramref name="index"/> (if_indextoname), in <paramref name="ns"/> or this thread's namespace.</summary>
    public static NetInterface Get(int index, NetworkNamespace? ns = null)
    {
        var name = index > 0 ? RunIn(ns, () => NetDevices.NameOf((uint)index)) : null;
        if (name is null)
            throw new BpfException($"no network interface has index {index} in {Where(ns)}; list them with `{(ns is null ? "" : $"ip netns exec {ns.Name} ")}ip link`");
        return new NetInterface(name, (uint)index, ns);
    }

    /// <summary>The interface .NET reports (System.Net.NetworkInformation), which lives in this process's namespace.</summary>
    public static NetInterface Get(System.Net.NetworkInformation.NetworkInterface networkInterface)
    {
        ArgumentNullException.ThrowIfNull(networkInterface);
        return Get(networkInterface.Name);
    }

    /// <summary>Runs <paramref name="action"/> where this interface's index means this interface.</summary>
    internal T Run<T>(Func<T> action) => RunIn(Namespace, action);

    private static T RunIn<T>(NetworkNamespace? ns, Func<T> action) => ns is null ? action() : ns.Run(action);

    private static string Where(NetworkNamespace? ns) => ns is null ? "this network namespace" : ns.ToString();

    /// <summary>The name and index, for messages.</summary>
    public override string ToString() => Namespace is null ? $"interface '{Name}' (index {Index})" : $"interface '{Name}' (index {Index}) in {Namespace}";
}
