using System.Runtime.CompilerServices;
using Ebpf.Object;
using Ebpf.Object.Programs;

namespace Ebpf.Loading;

/// <summary>
/// What loading an object needs that does not depend on the kernel objects of one load: the fixed-up BTF, and per
/// program the linked, CO-RE-relocated and encoded code, its func_info and line_info, where map descriptors go, and
/// its attach BTF id. A <see cref="BpfObjectFile"/> does not change once read, so this is built once per object, on
/// its first load, and kept for as long as the object lives; later loads only create maps, patch descriptors in and
/// make the system calls. Failures are not kept: a program that cannot be prepared fails again, the same way, on
/// every load. Safe for concurrent loads of one object.
/// </summary>
internal sealed class ObjectPlan
{
    private static readonly ConditionalWeakTable<BpfObjectFile, ObjectPlan> Plans = new();

    private readonly BpfObjectFile _spec;
    private readonly Dictionary<ProgramSpec, ProgramPlan> _programs = new(ReferenceEqualityComparer.Instance);
    private ObjectBtf? _btf;

    private ObjectPlan(BpfObjectFile spec, Ebpf.Object.Btf.Btf? coreTarget)
    {
        _spec = spec;
        CoreTarget = coreTarget;
    }

    /// <summary>
    /// The plan for loading <paramref name="spec"/> against the running kernel (kept with the object and reused), or
    /// against another BTF for CO-RE (<see cref="BpfLoadOptions.CoreTargetBtfPath"/>; made for that load only).
    /// </summary>
    public static ObjectPlan For(BpfObjectFile spec, string? coreTargetBtfPath = null) => coreTargetBtfPath is null
        ? Plans.GetValue(spec, static s => new ObjectPlan(s, null))
        : new ObjectPlan(spec, CoRe.KernelBtf.LoadTarget(coreTargetBtfPath));

    /// <summary>The BTF that CO-RE relocations are resolved against; null for the running kernel's.</summary>
    public Ebpf.Object.Btf.Btf? CoreTarget { get; }

    /// <summary>The BTF to load, built on first use; null for objects without BTF.</summary>
    public ObjectBtf? Btf
    {
        get
        {
            if (_spec.Btf is null)
                return null;
            if (Volatile.Read(ref _btf) is { } built)
                return built;
            var btf = new ObjectBtf(_spec);
            return Interlocked.CompareExchange(ref _btf, btf, null) ?? btf;
        }
    }

    public ProgramPlan Program(ProgramSpec program)
    {
        lock (_programs)
            if (_programs.TryGetValue(program, out var plan))
                return plan;
        var built = ProgramPlan.Build(_spec, program, this);
        lock (_programs)
            return _programs.TryAdd(program, built) ? built : _programs[program];
    }
}
