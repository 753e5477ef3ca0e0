namespace Ebpf.Fuzz.Tests.Robustness;

/// <summary>
/// Tests that count this process's descriptors and mappings run in this collection, alone: xunit runs a collection
/// without parallelization after the others, so nothing else opens or closes descriptors while they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelResources
{
    public const string Name = "kernel resources, counted";

    /// <summary>Descriptors and mappings of this process that belong to BPF, by what they point at.</summary>
    public sealed record Snapshot(int Descriptors, IReadOnlyDictionary<string, int> BpfDescriptors, IReadOnlyList<string> BpfMappings)
    {
        public static Snapshot Take()
        {
            // Descriptors other code left to finalizers must close now, not in the middle of a count.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var bpf = new Dictionary<string, int>(StringComparer.Ordinal);
            var fds = Directory.GetFiles("/proc/self/fd");
            foreach (var fd in fds)
            {
                string? target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (IOException) { continue; } // the descriptor of the directory listing itself, closed meanwhile
                if (target is not null && target.StartsWith("anon_inode:", StringComparison.Ordinal) && target.Contains("bpf") || target == "anon_inode:btf")
                    bpf[target!] = bpf.GetValueOrDefault(target!) + 1;
            }
            var mappings = File.ReadAllLines("/proc/self/maps").Where(l => l.Contains("bpf", StringComparison.Ordinal)).ToList();
            return new Snapshot(fds.Length, bpf, mappings);
        }

        public string Difference(Snapshot later)
        {
            var parts = new List<string>();
            foreach (var key in BpfDescriptors.Keys.Union(later.BpfDescriptors.Keys))
                if (BpfDescriptors.GetValueOrDefault(key) != later.BpfDescriptors.GetValueOrDefault(key))
                    parts.Add($"{key}: {BpfDescriptors.GetValueOrDefault(key)} -> {later.BpfDescriptors.GetValueOrDefault(key)}");
            if (later.Descriptors > Descriptors) parts.Add($"descriptors: {Descriptors} -> {later.Descriptors}");
            if (later.BpfMappings.Count != BpfMappings.Count) parts.Add($"BPF mappings: {BpfMappings.Count} -> {later.BpfMappings.Count}");
            return string.Join("; ", parts);
        }
    }
}
