using Ebpf.Native;
using Microsoft.Win32.SafeHandles;

namespace Ebpf;

/// <summary>
/// A cgroup v2 directory opened for attaching programs. Programs attached to a cgroup see the traffic
/// and system calls of the processes in it and in its descendants.
/// </summary>
public sealed class Cgroup : IDisposable
{
    private readonly bool _ownsDirectory;
    private bool _removed;

    private Cgroup(string path, SafeFileHandle handle, bool ownsDirectory)
    {
        Path = path; Handle = handle; _ownsDirectory = ownsDirectory;
    }

    /// <summary>The cgroup's directory, e.g. /sys/fs/cgroup/unified/web.</summary>
    public string Path { get; }

    /// <summary>The directory's descriptor, the target of BPF_PROG_ATTACH and BPF_LINK_CREATE.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>The cgroup id the kernel reports in link info: the inode number of the directory this object holds open.</summary>
    public ulong Id => FileIdentity.Inode(Handle);

    /// <summary>The cgroup v2 mount point: /sys/fs/cgroup/unified on hybrid systems, /sys/fs/cgroup on unified ones.</summary>
    public static string Mount => FindMount();

    /// <summary>Opens an existing cgroup by absolute path, or by a path relative to the cgroup v2 mount.</summary>
    public static Cgroup Open(string path)
    {
        var full = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(Mount, path);
        if (!Directory.Exists(full))
            throw new BpfException($"cgroup '{full}' does not exist; create it with Cgroup.Create or mkdir under {Mount}");
        if (!File.Exists(System.IO.Path.Combine(full, "cgroup.procs")))
            throw new BpfException($"'{full}' is not a cgroup v2 directory (it has no cgroup.procs); cgroup v2 is mounted at {Mount}");
        return new Cgroup(full, NativeFiles.OpenReadOnly(full), ownsDirectory: false);
    }

    /// <summary>Creates a child cgroup (removed again on Dispose when <paramref name="removeOnDispose"/> is set).</summary>
    public static Cgroup Create(string path, bool removeOnDispose = true)
    {
        var full = System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(Mount, path);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BpfException($"cannot create cgroup '{full}': {e.Message} (run as root; cgroup v2 is mounted at {Mount})", e);
        }
        return new Cgroup(full, NativeFiles.OpenReadOnly(full), removeOnDispose);
    }

    /// <summary>Moves a process (and its threads) into this cgroup.</summary>
    public void AddProcess(int pid)
    {
        try
        {
            File.AppendAllText(System.IO.Path.Combine(Path, "cgroup.procs"), pid.ToString());
        }
        catch (IOException e)
        {
            throw new BpfException($"cannot move process {pid} into cgroup '{Path}': {e.Message}", e);
        }
    }

    /// <summary>The processes in this cgroup (not its descendants).</summary>
    public IReadOnlyList<int> Processes() =>
        File.ReadAllLines(System.IO.Path.Combine(Path, "cgroup.procs")).Where(l => l.Length > 0).Select(int.Parse).ToList();

    /// <summary>Programs attached here for one attach type (BPF_PROG_QUERY), by id, in run order.</summary>
    public IReadOnlyList<uint> AttachedPrograms(BpfAttachType attachType) => BpfSyscall.ProgQuery(Handle, attachType).ProgramIds;

    /// <summary>
    /// Closes the cgroup and, when this object created it, removes it. A cgroup that cannot be removed is kernel state
    /// left behind, so that throws a <see cref="BpfException"/> naming what is still in it; Dispose may be called
    /// again once that is gone.
    /// </summary>
    public void Dispose()
    {
        Handle.Dispose();
        if (!_ownsDirectory || _removed)
            return;
        Remove();
        _removed = true;
    }

    /// <summary>
    /// Removes the directory: leftover processes move to the parent first, and a process still exiting keeps the cgroup
    /// busy for a moment, so that is retried for up to 2 s. Child cgroups are never removed here (they may be another
    /// owner's), and waiting does not remove them, so they fail at once.
    /// </summary>
    private void Remove()
    {
        var parent = System.IO.Path.GetDirectoryName(Path)!;
        Exception? failure = null;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            try
            {
                foreach (var pid in Processes())
                    File.AppendAllText(System.IO.Path.Combine(parent, "cgroup.procs"), pid.ToString());
                Directory.Delete(Path);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return; // removed meanwhile: nothing is left behind
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failure = e;
                if (ChildCgroups().Count > 0) break;
                Thread.Sleep(50);
            }
        }
        throw new BpfException(RemovalFailure(Path, ProcessNames(), ChildCgroups(), failure!.Message), failure);
    }

    /// <summary>What the removal error says: the cgroup, why, what is still in it, and what to do.</summary>
    internal static string RemovalFailure(string path, IReadOnlyList<string> processes, IReadOnlyList<string> children, string cause)
    {
        var inside = new List<string>();
        if (processes.Count > 0) inside.Add($"processes {string.Join(", ", processes)}");
        if (children.Count > 0) inside.Add($"child cgroups {string.Join(", ", children)}");
        return $"cgroup '{path}' (made by Cgroup.Create) could not be removed ({cause}). " +
            (inside.Count > 0 ? $"Still in it: {string.Join("; ", inside)}. " : "It lists no processes or child cgroups: a process may still be exiting. ") +
            (children.Count > 0 ? "Remove the child cgroups first (Dispose their Cgroup objects, or rmdir them), " : "") +
            (processes.Count > 0 ? "move the processes elsewhere or stop them (the move to the parent cgroup failed), " : "") +
            "then Dispose again; or pass removeOnDispose: false to keep the cgroup.";
    }

    /// <summary>The processes still in the cgroup as "pid (command)", for the removal error; empty if it cannot be read.</summary>
    private List<string> ProcessNames()
    {
        try
        {
            return [.. Processes().Select(pid => $"{pid} ({CommandOf(pid)})")];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        static string CommandOf(int pid)
        {
            try { return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n'); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "exited"; }
        }
    }

    /// <summary>The cgroup's child cgroups by name (its subdirectories); empty if it cannot be listed.</summary>
    private List<string> ChildCgroups()
    {
        try
        {
            return [.. Directory.GetDirectories(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The cgroup's path.</summary>
    public override string ToString() => Path;

    private static string FindMount()
    {
        foreach (var line in File.ReadLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && fields[2] == "cgroup2")
                return fields[1];
        }
        throw new BpfException("cgroup v2 is not mounted; mount it with: mount -t cgroup2 none /sys/fs/cgroup/unified");
    }
}
