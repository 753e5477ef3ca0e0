using System.Diagnostics;

namespace Ebpf.Native.Tests;

/// <summary>A fresh directory under /sys/fs/bpf (bpffs mounted first if absent), removed with what was pinned in it.</summary>
public sealed class BpffsDirectory : IDisposable
{
    private static readonly object MountLock = new();

    public BpffsDirectory()
    {
        EnsureMounted();
        Path = $"/sys/fs/bpf/ebpf-native-tests-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public static void EnsureMounted()
    {
        lock (MountLock)
        {
            if (File.ReadAllLines("/proc/mounts").Any(l => l.Split(' ') is [_, "/sys/fs/bpf", "bpf", ..])) return;
            Run("mount", "-t bpf bpf /sys/fs/bpf");
        }
    }

    public static void Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}): {err}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A child cgroup under the cgroup v2 mount, removed on Dispose.</summary>
public sealed class TestCgroup : IDisposable
{
    public const string Root = "/sys/fs/cgroup/unified";

    public TestCgroup()
    {
        Path = $"{Root}/ebpf-native-tests-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(Path);
        Handle = NativeFiles.OpenReadOnly(Path);
    }

    public string Path { get; }
    public Microsoft.Win32.SafeHandles.SafeFileHandle Handle { get; }

    /// <summary>The cgroup id: the cgroup directory's inode number on cgroup v2.</summary>
    public ulong Id
    {
        get
        {
            var psi = new ProcessStartInfo("stat", $"-c %i {Path}") { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            string s = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return ulong.Parse(s.Trim());
        }
    }

    public void Dispose()
    {
        Handle.Dispose();
        try { Directory.Delete(Path); } catch (IOException) { }
    }
}
