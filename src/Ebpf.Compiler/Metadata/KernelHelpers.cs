using System.Reflection;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Metadata;

/// <summary>
/// The ids of the helpers the lowering calls or recognises by itself, by the kernel's name (BPF_FUNC_<i>name</i>). The
/// id comes from the kernel-side library's [Helper] declarations, so the lowering and the library cannot disagree; the
/// few helpers the library reaches only through intrinsics (no member declares them) are listed once here, and a test
/// checks them against the kernel's enum bpf_func_id.
/// </summary>
internal static class KernelHelpers
{
    /// <summary>Helpers no [Helper] member declares: the intrinsics' own (TryLoad, TryStore, TailCall) and one classified as sleepable.</summary>
    internal static readonly IReadOnlyDictionary<string, int> Undeclared = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["skb_store_bytes"] = 9,
        ["tail_call"] = 12,
        ["xdp_load_bytes"] = 189,
        ["copy_from_user_task"] = 191,
    };

    /// <summary>Every [Helper] declaration of the kernel-side library, by name; a name declared with two ids fails here, at first use.</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, int>> Declared = new(() =>
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var helper in Declarations())
        {
            if (ids.TryGetValue(helper.Name, out var id) && id != helper.Id)
                throw new InvalidOperationException($"the kernel-side library declares helper {helper.Name} both as {id} and as {helper.Id}");
            ids[helper.Name] = helper.Id;
        }
        return ids;
    });

    /// <summary>The [Helper] attributes on the library's methods and properties.</summary>
    internal static IEnumerable<HelperAttribute> Declarations()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in typeof(HelperAttribute).Assembly.GetTypes())
            foreach (var member in type.GetMethods(all).Cast<MemberInfo>().Concat(type.GetProperties(all)))
                if (member.IsDefined(typeof(HelperAttribute), false)) // cheap test first: most members are not helpers
                    yield return member.GetCustomAttribute<HelperAttribute>()!;
    }

    /// <summary>Every helper the lowering asked for by name, with its id: what the tests check against the kernel.</summary>
    internal static IReadOnlyDictionary<string, int> Used => UsedIds;
    private static readonly Dictionary<string, int> UsedIds = new(StringComparer.Ordinal);

    /// <summary>The id of the helper named <paramref name="name"/> (without "bpf_").</summary>
    public static int Id(string name)
    {
        if (!Declared.Value.TryGetValue(name, out var id) && !Undeclared.TryGetValue(name, out id))
            throw new InvalidOperationException($"helper {name} is neither declared by the kernel-side library's [Helper] members nor listed in {nameof(KernelHelpers)}.{nameof(Undeclared)}");
        lock (UsedIds) UsedIds[name] = id;
        return id;
    }

    /// <summary>The helper's name for messages (bpf_ + name), or #id when nothing names it.</summary>
    public static string NameOf(int id) =>
        Declared.Value.Concat(Undeclared).FirstOrDefault(p => p.Value == id) is { Key: { } name } ? "bpf_" + name : $"#{id}";

    public static readonly int MapLookupElem = Id("map_lookup_elem");
    public static readonly int MapUpdateElem = Id("map_update_elem");
    public static readonly int MapDeleteElem = Id("map_delete_elem");
    public static readonly int MapLookupPercpuElem = Id("map_lookup_percpu_elem");
    public static readonly int TracePrintk = Id("trace_printk");
    public static readonly int TailCall = Id("tail_call");
    public static readonly int SkbStoreBytes = Id("skb_store_bytes");
    public static readonly int SkbLoadBytes = Id("skb_load_bytes");
    public static readonly int XdpLoadBytes = Id("xdp_load_bytes");
    public static readonly int GetCurrentComm = Id("get_current_comm");
    public static readonly int PerfEventOutput = Id("perf_event_output");
    public static readonly int ProbeReadUser = Id("probe_read_user");
    public static readonly int ProbeReadKernel = Id("probe_read_kernel");
    public static readonly int ProbeReadUserString = Id("probe_read_user_str");
    public static readonly int ProbeReadKernelString = Id("probe_read_kernel_str");
    public static readonly int SeqPrintf = Id("seq_printf");
    public static readonly int RingBufferOutput = Id("ringbuf_output");
    public static readonly int RingBufferReserve = Id("ringbuf_reserve");
    public static readonly int RingBufferSubmit = Id("ringbuf_submit");
    public static readonly int RingBufferDiscard = Id("ringbuf_discard");
    public static readonly int CopyFromUser = Id("copy_from_user");
    public static readonly int Snprintf = Id("snprintf");
    public static readonly int CopyFromUserTask = Id("copy_from_user_task");

    /// <summary>
    /// Helpers after which the verifier keeps packet pointers (it forgets them after any helper that may change packet
    /// data, bpf_helper_changes_pkt_data); the rest make the lowering reload them.
    /// </summary>
    public static readonly IReadOnlySet<int> PacketSafe = new[]
    {
        "map_lookup_elem", "map_update_elem", "map_delete_elem", "ktime_get_ns", "trace_printk", "get_prandom_u32", "get_smp_processor_id",
        "tail_call", "get_current_pid_tgid", "get_current_uid_gid", "get_current_comm", "perf_event_output", "skb_load_bytes",
        "get_socket_cookie", "get_socket_uid", "skb_cgroup_id", "get_current_cgroup_id", "map_push_elem", "map_pop_elem", "map_peek_elem",
        "jiffies64", "ktime_get_boot_ns", "ringbuf_output", "ringbuf_reserve", "ringbuf_submit", "ringbuf_discard", "ringbuf_query",
        "ktime_get_coarse_ns", "xdp_load_bytes", "map_lookup_percpu_elem", "ktime_get_tai_ns",
    }.Select(Id).ToHashSet();

    /// <summary>Helpers the kernel gives only to sleepable programs (fn->might_sleep).</summary>
    public static readonly IReadOnlySet<int> SleepableOnly = new HashSet<int> { CopyFromUser, CopyFromUserTask };
}
