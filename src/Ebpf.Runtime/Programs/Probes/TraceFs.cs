using Ebpf.Native;

namespace Ebpf;

/// <summary>Where tracefs is, and the tracepoint ids in it (events/CATEGORY/NAME/id).</summary>
public static class TraceFs
{
    /// <summary>The tracefs root: /sys/kernel/tracing (mounted there if nothing is), else /sys/kernel/debug/tracing.</summary>
    public static string Root => FindRoot();

    private static string FindRoot()
    {
        const string path = TracePipe.TraceFsPath;
        if (File.Exists(Path.Combine(path, "available_events"))) return path;
        Exception? mountError = null;
        if (Directory.Exists(path))
        {
            try
            {
                if (!Mounts.IsMounted(path, "tracefs")) Mounts.Mount("tracefs", path, "tracefs");
                if (File.Exists(Path.Combine(path, "available_events"))) return path;
            }
            catch (BpfException e)
            {
                mountError = e;
            }
        }
        if (File.Exists(Path.Combine(TracePipe.DebugFsTracingPath, "available_events"))) return TracePipe.DebugFsTracingPath;
        throw new BpfException($"tracefs is not mounted at {path} and {TracePipe.DebugFsTracingPath} does not exist" +
            (mountError is null ? "" : $" (mounting it failed: {mountError.Message})") + $". Mount it as root: mount -t tracefs tracefs {path}", mountError);
    }

    /// <summary>Splits "category/name" (also "category:name", as perf and available_events spell it).</summary>
    public static (string Category, string Name) ParseTracepoint(string categoryAndName)
    {
        var parts = categoryAndName.Split('/', ':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new BpfException($"'{categoryAndName}' is not a tracepoint: write CATEGORY/NAME, e.g. sched/sched_process_exec (cat {TracePipe.TraceFsPath}/available_events lists them)");
        return (parts[0], parts[1]);
    }

    /// <summary>The perf event id of tracepoint <paramref name="category"/>/<paramref name="name"/>; an unknown one says how to find names.</summary>
    public static ulong TracepointId(string category, string name)
    {
        // Names are plain identifiers: refuse anything that would walk out of events/.
        if (category.IndexOfAny(['/', '\0']) >= 0 || name.IndexOfAny(['/', '\0']) >= 0 || category is "." or ".." || name is "." or "..")
            throw new BpfException($"'{category}/{name}' is not a tracepoint name");
        var root = Root;
        var idPath = Path.Combine(root, "events", category, name, "id");
        try
        {
            return ulong.Parse(File.ReadAllText(idPath).Trim());
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            var categoryDir = Path.Combine(root, "events", category);
            string near = "";
            if (Directory.Exists(categoryDir))
            {
                var names = Directory.EnumerateDirectories(categoryDir).Select(Path.GetFileName)
                    .Where(n => n!.Contains(name, StringComparison.Ordinal) || name.Contains(n!, StringComparison.Ordinal)).Take(5).ToList();
                near = names.Count > 0 ? $" Similar names in '{category}': {string.Join(", ", names)}." : $" Category '{category}' exists but has no '{name}'.";
            }
            else
            {
                near = $" There is no category '{category}'.";
            }
            throw new BpfException($"no tracepoint '{category}/{name}' in {root}/events.{near} List them with: ls {root}/events/{category} " +
                $"(or grep {name} {root}/available_events, which spells them CATEGORY:NAME)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BpfException($"cannot read {idPath}: run as root (tracefs ids are readable by root only)", e);
        }
    }
}
