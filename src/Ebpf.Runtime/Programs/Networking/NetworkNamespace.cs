using System.Runtime.ExceptionServices;
using Ebpf.Native;
using Microsoft.Win32.SafeHandles;

namespace Ebpf;

/// <summary>
/// A network namespace opened by name (<c>ip netns add NAME</c> makes /var/run/netns/NAME) or by path (/proc/PID/ns/net).
/// Interface names and indexes, and the interface an XDP or tcx link attaches to, are resolved in the namespace of the
/// calling thread, so work on another namespace's interfaces runs on a thread that entered it (<see cref="Run{T}"/>).
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name, string path, SafeFileHandle handle)
    {
        Name = name; Path = path; Handle = handle;
    }

    /// <summary>The name given to <see cref="Open"/>.</summary>
    public string Name { get; }

    /// <summary>The namespace file, e.g. /var/run/netns/blue.</summary>
    public string Path { get; }

    /// <summary>The open namespace file, owned by this object.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>Opens a namespace by its <c>ip netns</c> name or by the path of a namespace file.</summary>
    public static NetworkNamespace Open(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        var path = nameOrPath.Contains('/') ? nameOrPath : System.IO.Path.Combine("/var/run/netns", nameOrPath);
        if (!File.Exists(path))
            throw new BpfException($"network namespace '{nameOrPath}' does not exist ({path} is missing); create it with `ip netns add {nameOrPath}` or pass a path such as /proc/PID/ns/net");
        return new NetworkNamespace(nameOrPath, path, NativeFiles.OpenReadOnly(path));
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread that entered this namespace, and returns its result (or rethrows its
    /// exception). Only that thread moves: setns(CLONE_NEWNET) changes the calling thread's namespace, not the process's.
    /// </summary>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                NetDevices.EnterNetworkNamespace(Handle, $"'{Name}' ({Path})");
                result = action();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "netns " + Name };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    /// <summary>The namespace's name or path, for messages.</summary>
    public override string ToString() => $"network namespace '{Name}'";

    /// <summary>Closes the namespace file; the namespace lives on while processes or mounts hold it.</summary>
    public void Dispose() => Handle.Dispose();
}
