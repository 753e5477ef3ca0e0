using System.Reflection;
using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

// What the compiler relies on when it reads the library's metadata: consistent attributes, no member it cannot lower by rule.
public sealed class ShapeTests
{
    [Fact]
    public void A_helper_name_always_has_the_same_id()
    {
        var byName = KernelBtfTests.AllHelpers().GroupBy(h => h.Helper.Name);
        foreach (var group in byName)
            Assert.Single(group.Select(h => h.Helper.Id).Distinct());
        Assert.Contains(KernelBtfTests.AllHelpers(), h => h.Helper.Id == 5 && h.Member == "Bpf.KtimeGetNs");
    }

    [Fact]
    public void Context_fields_fit_their_struct_and_setters_follow_Writable()
    {
        foreach (var type in typeof(BpfContext).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(BpfContext))))
        {
            var kernelStruct = type.GetCustomAttribute<KernelStructAttribute>();
            Assert.True(kernelStruct is not null, $"{type.Name} names no kernel struct");
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var field = p.GetCustomAttribute<ContextFieldAttribute>();
                if (field is null)
                {
                    Assert.True(p.GetCustomAttribute<IntrinsicAttribute>() is not null || p.GetCustomAttribute<ManagedOnlyAttribute>() is not null,
                        $"{type.Name}.{p.Name} has no [ContextField], [Intrinsic] or [ManagedOnly]: the compiler would not know what to do with it");
                    continue;
                }
                Assert.InRange(field.Offset + field.Size, field.Size, kernelStruct!.Size);
                Assert.Contains(field.Size, new[] { 1, 2, 4, 8, 16 });
                Assert.Equal(field.Writable, p.SetMethod is { IsPublic: true });
                Assert.True(field.Offset % Math.Min(field.Size, 8) == 0 || field.Size == 16, $"{type.Name}.{p.Name} is misaligned");
            }
        }
    }

    [Fact]
    public void Offsets_constants_agree_with_the_attributes()
    {
        Assert.Equal(SkBuffContext.Offsets.RemoteIp4, Field<SkBuffContext>(nameof(SkBuffContext.RemoteIPv4)).Offset);
        Assert.Equal(SkBuffContext.Offsets.Len, Field<SkBuffContext>(nameof(SkBuffContext.Length)).Offset);
        Assert.Equal(ContextFieldConversion.NetworkOrder16High, Field<SkBuffContext>(nameof(SkBuffContext.RemotePort)).Conversion);
        Assert.Equal(ContextFieldConversion.None, Field<SkBuffContext>(nameof(SkBuffContext.LocalPort)).Conversion);
        Assert.Equal(ContextFieldConversion.NetworkOrder16, Field<BpfSockAddrContext>(nameof(BpfSockAddrContext.UserPort)).Conversion);
        Assert.True(Field<BpfSockAddrContext>(nameof(BpfSockAddrContext.UserIPv4)).Writable);
    }

    [Fact]
    public void Every_public_method_of_contexts_and_maps_says_how_it_lowers()
    {
        var types = typeof(KernelMap).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(BpfContext)) || t.IsSubclassOf(typeof(KernelMap)) || t == typeof(Bpf) || t == typeof(Net) || t == typeof(MapCounters));
        var unmarked = types
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName && m.Name is not ("Equals" or "GetHashCode" or "ToString"))
            .Where(m => m.GetCustomAttribute<HelperAttribute>() is null && m.GetCustomAttribute<IntrinsicAttribute>() is null && m.GetCustomAttribute<ManagedOnlyAttribute>() is null)
            .Select(m => m.DeclaringType!.Name + "." + m.Name)
            .Where(n => n is not ("Net.FormatIPv4" or "Net.ToAddressFamily" or "Net.ToKernelFamily"))   // build-time helpers of the compiler itself
            .Distinct().ToArray();
        Assert.Empty(unmarked);
    }

    private static ContextFieldAttribute Field<T>(string property) => typeof(T).GetProperty(property)!.GetCustomAttribute<ContextFieldAttribute>()!;

    [Fact]
    public void Map_classes_declare_their_kernel_type()
    {
        KernelMap[] maps =
        [
            new HashMap<uint, ulong>(1), new LruHashMap<uint, ulong>(1), new PerCpuHashMap<uint, ulong>(1), new LruPerCpuHashMap<uint, ulong>(1),
            new ArrayMap<ulong>(1), new PerCpuArrayMap<ulong>(1), new RingBuffer(4096), new PerfEventArray(), new ProgramArray(1),
            new QueueMap<uint>(1), new StackMap<uint>(1), new BloomFilter<uint>(1), new DevMap(1), new CpuMap(1), new XskMap(1), new StackTraceMap(1), new SockMap(1),
        ];
        foreach (var map in maps)
            Assert.Equal(map.GetType().GetCustomAttribute<MapKindAttribute>()!.Type, map.Type);
        var concrete = typeof(KernelMap).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(KernelMap)) && !t.IsAbstract);
        Assert.All(concrete, t => Assert.NotNull(t.GetCustomAttribute<MapKindAttribute>()));
        Assert.Equal(concrete.Count(), maps.Select(m => m.GetType().IsGenericType ? m.GetType().GetGenericTypeDefinition() : m.GetType()).Distinct().Count());
    }

    [Fact]
    public void Map_fields_of_the_example_are_found_by_reflection()
    {
        var fields = typeof(Firewall).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.GetCustomAttribute<MapAttribute>() is not null).ToArray();
        Assert.Equal(["Blocked", "Bytes"], fields.Select(f => f.Name));
        var blocked = (KernelMap)fields[0].GetValue(null)!;
        Assert.Equal((MapType.Hash, 1024, 4, 8), (blocked.Type, blocked.MaxEntries, blocked.KeySize, blocked.ValueSize));
        Assert.Equal("blocked_ports", typeof(PortFilter).GetField(nameof(PortFilter.BlockedPorts))!.GetCustomAttribute<MapAttribute>()!.Name);
    }

    [Fact]
    public void Library_depends_on_the_BCL_only()
    {
        var references = typeof(KernelMap).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard", name));
    }
}
