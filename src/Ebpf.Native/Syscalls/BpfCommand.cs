namespace Ebpf.Native;

/// <summary>The kernel's <c>enum bpf_cmd</c>: the first argument of bpf(2). Values as in the UAPI.</summary>
public enum BpfCommand
{
    /// <summary><c>BPF_MAP_CREATE</c>: Creates a map.</summary>
    MapCreate = 0,
    /// <summary><c>BPF_MAP_LOOKUP_ELEM</c>: Reads one element of a map.</summary>
    MapLookupElem = 1,
    /// <summary><c>BPF_MAP_UPDATE_ELEM</c>: Creates or updates one element.</summary>
    MapUpdateElem = 2,
    /// <summary><c>BPF_MAP_DELETE_ELEM</c>: Deletes one element.</summary>
    MapDeleteElem = 3,
    /// <summary><c>BPF_MAP_GET_NEXT_KEY</c>: The key after a given one, to walk a map.</summary>
    MapGetNextKey = 4,
    /// <summary><c>BPF_PROG_LOAD</c>: Verifies and loads a program.</summary>
    ProgLoad = 5,
    /// <summary><c>BPF_OBJ_PIN</c>: Pins a map, program or link on bpffs.</summary>
    ObjPin = 6,
    /// <summary><c>BPF_OBJ_GET</c>: Opens an object pinned on bpffs.</summary>
    ObjGet = 7,
    /// <summary><c>BPF_PROG_ATTACH</c>: Attaches a program to a target (cgroup, sockmap, ...) without a link.</summary>
    ProgAttach = 8,
    /// <summary><c>BPF_PROG_DETACH</c>: Detaches a program attached with BPF_PROG_ATTACH.</summary>
    ProgDetach = 9,
    /// <summary><c>BPF_PROG_TEST_RUN</c>: Runs a program once on given input.</summary>
    ProgTestRun = 10,
    /// <summary><c>BPF_PROG_GET_NEXT_ID</c>: The next program id, to list programs.</summary>
    ProgGetNextId = 11,
    /// <summary><c>BPF_MAP_GET_NEXT_ID</c>: The next map id, to list maps.</summary>
    MapGetNextId = 12,
    /// <summary><c>BPF_PROG_GET_FD_BY_ID</c>: Opens a program by id.</summary>
    ProgGetFdById = 13,
    /// <summary><c>BPF_MAP_GET_FD_BY_ID</c>: Opens a map by id.</summary>
    MapGetFdById = 14,
    /// <summary><c>BPF_OBJ_GET_INFO_BY_FD</c>: Describes a program, map, BTF or link.</summary>
    ObjGetInfoByFd = 15,
    /// <summary><c>BPF_PROG_QUERY</c>: Lists the programs attached to a target.</summary>
    ProgQuery = 16,
    /// <summary><c>BPF_RAW_TRACEPOINT_OPEN</c>: Attaches a raw tracepoint or BTF-typed tracing program.</summary>
    RawTracepointOpen = 17,
    /// <summary><c>BPF_BTF_LOAD</c>: Loads BTF type information.</summary>
    BtfLoad = 18,
    /// <summary><c>BPF_BTF_GET_FD_BY_ID</c>: Opens BTF by id.</summary>
    BtfGetFdById = 19,
    /// <summary><c>BPF_TASK_FD_QUERY</c>: Describes what a perf event descriptor of a task is attached to.</summary>
    TaskFdQuery = 20,
    /// <summary><c>BPF_MAP_LOOKUP_AND_DELETE_ELEM</c>: Reads and deletes one element (pops a queue or stack).</summary>
    MapLookupAndDeleteElem = 21,
    /// <summary><c>BPF_MAP_FREEZE</c>: Makes a map read-only for user space.</summary>
    MapFreeze = 22,
    /// <summary><c>BPF_BTF_GET_NEXT_ID</c>: The next BTF id, to list BTF objects.</summary>
    BtfGetNextId = 23,
    /// <summary><c>BPF_MAP_LOOKUP_BATCH</c>: Reads many elements at once.</summary>
    MapLookupBatch = 24,
    /// <summary><c>BPF_MAP_LOOKUP_AND_DELETE_BATCH</c>: Reads and deletes many elements at once.</summary>
    MapLookupAndDeleteBatch = 25,
    /// <summary><c>BPF_MAP_UPDATE_BATCH</c>: Updates many elements at once.</summary>
    MapUpdateBatch = 26,
    /// <summary><c>BPF_MAP_DELETE_BATCH</c>: Deletes many elements at once.</summary>
    MapDeleteBatch = 27,
    /// <summary><c>BPF_LINK_CREATE</c>: Attaches a program through a link.</summary>
    LinkCreate = 28,
    /// <summary><c>BPF_LINK_UPDATE</c>: Replaces the program of a link.</summary>
    LinkUpdate = 29,
    /// <summary><c>BPF_LINK_GET_FD_BY_ID</c>: Opens a link by id.</summary>
    LinkGetFdById = 30,
    /// <summary><c>BPF_LINK_GET_NEXT_ID</c>: The next link id, to list links.</summary>
    LinkGetNextId = 31,
    /// <summary><c>BPF_ENABLE_STATS</c>: Turns on run-time statistics while the returned descriptor is open.</summary>
    EnableStats = 32,
    /// <summary><c>BPF_ITER_CREATE</c>: Starts one run of an iterator link, as a readable descriptor.</summary>
    IterCreate = 33,
    /// <summary><c>BPF_LINK_DETACH</c>: Detaches a link's program while the link stays open.</summary>
    LinkDetach = 34,
    /// <summary><c>BPF_PROG_BIND_MAP</c>: Ties a map's lifetime to a program.</summary>
    ProgBindMap = 35,
    /// <summary><c>BPF_TOKEN_CREATE</c>: Creates a BPF token from a bpffs mount, for delegated use.</summary>
    TokenCreate = 36,
}

/// <summary>Kernel spellings of the commands, for messages: "BPF_MAP_CREATE".</summary>
public static class BpfCommandNames
{
    private static readonly string[] Names =
    [
        "BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM", "BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY",
        "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET", "BPF_PROG_ATTACH", "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN",
        "BPF_PROG_GET_NEXT_ID", "BPF_MAP_GET_NEXT_ID", "BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID",
        "BPF_OBJ_GET_INFO_BY_FD", "BPF_PROG_QUERY", "BPF_RAW_TRACEPOINT_OPEN", "BPF_BTF_LOAD", "BPF_BTF_GET_FD_BY_ID",
        "BPF_TASK_FD_QUERY", "BPF_MAP_LOOKUP_AND_DELETE_ELEM", "BPF_MAP_FREEZE", "BPF_BTF_GET_NEXT_ID",
        "BPF_MAP_LOOKUP_BATCH", "BPF_MAP_LOOKUP_AND_DELETE_BATCH", "BPF_MAP_UPDATE_BATCH", "BPF_MAP_DELETE_BATCH",
        "BPF_LINK_CREATE", "BPF_LINK_UPDATE", "BPF_LINK_GET_FD_BY_ID", "BPF_LINK_GET_NEXT_ID", "BPF_ENABLE_STATS",
        "BPF_ITER_CREATE", "BPF_LINK_DETACH", "BPF_PROG_BIND_MAP", "BPF_TOKEN_CREATE",
    ];

    /// <summary>The command's kernel spelling, e.g. "BPF_MAP_CREATE"; "bpf command N" for values past the table.</summary>
    public static string KernelName(this BpfCommand command) =>
        (uint)command < (uint)Names.Length ? Names[(int)command] : $"bpf command {(int)command}";
}
