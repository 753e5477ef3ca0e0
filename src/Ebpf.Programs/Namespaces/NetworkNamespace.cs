using Ebpf.Native;
using Microsoft.Win32.SafeHandles;

namespace Ebpf;

/// <summary>
/// A network namespace opened for attaching programs (sk_lookup, flow_dissector): a descriptor of its nsfs file,
/// which keeps the namespace alive while it is open. Disposing closes the descriptor; the namespace itself is left alone.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string path, SafeFileHandle handle)
    {
        Path = path;
        Handle = handle;
    }

    /// <summary>Where the namespace was opened from: /proc/self/ns/net, /var/run/netns/NAME, /proc/PID/ns/net.</summary>
    public string Path { get; }

    /// <summary>The namespace's descriptor, the target of BPF_LINK_CREATE.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The namespace's inode number, as <c>ip netns identify</c> and link info show it.</summary>
    public ulong Inode => FileIdentity.Inode(Path);

    /// <summary>The namespace of this process (/proc/self/ns/net).</summary>
    public static NetworkNamespace Current() => Open("/proc/self/ns/net");

    /// <summary>A namespace made by <c>ip netns add NAME</c> (bound at /var/run/netns/NAME).</summary>
    public static NetworkNamespace Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/'))
            throw new BpfException($"network namespace name '{name}' contains '/'; pass a name as `ip netns list` shows it, or a path to NetworkNamespace.Open");
        var path = System.IO.Path.Combine("/var/run/netns", name);
        if (!File.Exists(path))
            throw new BpfException($"network namespace '{name}' does not exist ({path} is missing); create it with `ip netns add {name}`");
        return Open(path);
    }

    /// <summary>The namespace of a process.</summary>
    public static NetworkNamespace OfProcess(int pid) => Open($"/proc/{pid}/ns/net");

    /// <summary>A namespace by the path of its nsfs file (or a bind mount of one).</summary>
    public static NetworkNamespace Open(string path)
    {
        try
        {
            return new NetworkNamespace(path, NativeFiles.OpenReadOnly(path));
        }
        catch (BpfSyscallException e)
        {
            throw new BpfException($"network namespace {path} could not be opened: {e.Message}", e);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own inside this namespace and returns its result: for what the
    /// kernel binds to the caller's namespace, such as netfilter links and sockets. The thread ends afterwards.
    /// </summary>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Namespaces.EnterNetwork(Handle, ToString());
                result = action();
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "netns " + Path };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    public override string ToString() => $"network namespace {Path}";

    public void Dispose() => Handle.Dispose();
}
