using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Native.Attrs;
using Ebpf.Object.Btf;

namespace Ebpf.Native.Tests;

/// <summary>
/// Every attr and info struct against the running kernel's BTF: each field's offset and size must be the kernel's.
/// Field names are the kernel's in PascalCase; union alternatives and nested members are mapped explicitly.
/// </summary>
public class AttrLayoutTests
{
    private static readonly Lazy<Btf> Kernel = new(Btf.LoadKernel);

    public static TheoryData<string> Structs() => new(Specs.Keys);

    private sealed record Spec(Type Type, string Root, string? Member, string? AnonymousWith, Dictionary<string, string>? Overrides = null);

    private static readonly Dictionary<string, Spec> Specs = new[]
    {
        new Spec(typeof(MapCreateAttr), "bpf_attr", null, "map_type"),
        new Spec(typeof(MapElemAttr), "bpf_attr", null, "key"),
        new Spec(typeof(MapBatchAttr), "bpf_attr", "batch", null),
        new Spec(typeof(ProgLoadAttr), "bpf_attr", null, "prog_type"),
        new Spec(typeof(ObjPinAttr), "bpf_attr", null, "pathname"),
        new Spec(typeof(ProgAttachAttr), "bpf_attr", null, "attach_bpf_fd"),
        new Spec(typeof(TestRunAttr), "bpf_attr", "test", null),
        new Spec(typeof(GetIdAttr), "bpf_attr", null, "start_id"),
        new Spec(typeof(InfoAttr), "bpf_attr", "info", null),
        new Spec(typeof(ProgQueryAttr), "bpf_attr", "query", null),
        new Spec(typeof(BtfLoadAttr), "bpf_attr", null, "btf_log_buf"),
        new Spec(typeof(LinkCreateAttr), "bpf_attr", "link_create", null, new()
        {
            ["TracingCookie"] = "tracing.cookie",
            ["NetfilterPf"] = "netfilter.pf",
            ["NetfilterHooknum"] = "netfilter.hooknum",
            ["NetfilterPriority"] = "netfilter.priority",
            ["NetfilterFlags"] = "netfilter.flags",
        }),
        new Spec(typeof(LinkUpdateAttr), "bpf_attr", "link_update", null),
        new Spec(typeof(LinkDetachAttr), "bpf_attr", "link_detach", null),
        new Spec(typeof(EnableStatsAttr), "bpf_attr", "enable_stats", null),
        new Spec(typeof(ProgInfoRaw), "bpf_prog_info", null, null),
        new Spec(typeof(MapInfoRaw), "bpf_map_info", null, null),
        new Spec(typeof(BtfInfoRaw), "bpf_btf_info", null, null),
        new Spec(typeof(LinkInfoRaw), "bpf_link_info", null, null, new()
        {
            ["CgroupId"] = "cgroup.cgroup_id",
            ["CgroupAttachType"] = "cgroup.attach_type",
            ["Union0"] = "tracing.attach_type",
            ["Union1"] = "tracing.target_obj_id",
            ["Union2"] = "tracing.target_btf_id",
        }),
    }.ToDictionary(s => s.Type.Name);

    [KernelTheory]
    [MemberData(nameof(Structs))]
    public void Fields_match_the_kernel(string name)
    {
        var spec = Specs[name];
        var btf = Kernel.Value;
        var root = (BtfComposite)btf.FindAll(spec.Root).First(t => t is BtfComposite);
        // The part of the root that the struct stands for: a named member, an anonymous one holding a field, or the root.
        BtfComposite scope = root;
        uint scopeSize = root.Size;
        if (spec.Member is not null)
        {
            var m = root.Members.Single(x => x.Name == spec.Member);
            Assert.Equal(0u, m.BitOffset);
            scope = (BtfComposite)btf.Skip(m.Type);
            scopeSize = scope.Size;
        }
        else if (spec.AnonymousWith is not null)
        {
            var m = root.Members.Single(x => x.Name == "" && Find(btf, (BtfComposite)btf.Skip(x.Type), spec.AnonymousWith, 0) is not null);
            scope = (BtfComposite)btf.Skip(m.Type);
            scopeSize = scope.Size;
        }

        int checkedFields = 0;
        foreach (var field in spec.Type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            string kernelName = spec.Overrides?.GetValueOrDefault(field.Name) ?? Snake(field.Name);
            var found = FindPath(btf, scope, kernelName);
            Assert.True(found is not null, $"{name}.{field.Name}: the kernel's {spec.Root} has no field '{kernelName}' there.");
            var (bitOffset, member) = found!.Value;
            int ours = (int)Marshal.OffsetOf(spec.Type, field.Name);
            Assert.True(bitOffset % 8 == 0, $"{name}.{field.Name}: kernel field at bit {bitOffset}");
            Assert.True(ours == (int)(bitOffset / 8), $"{name}.{field.Name}: offset {ours}, kernel '{kernelName}' at {bitOffset / 8}");
            if (member.BitfieldSize == 0 && btf.Skip(member.Type) is not BtfInt { BitOffset: not 0 })
            {
                long kernelSize = btf.SizeOf(member.Type);
                int ourSize = FieldSize(field);
                Assert.True(ourSize == kernelSize, $"{name}.{field.Name}: {ourSize} bytes, kernel '{kernelName}' is {kernelSize}");
            }
            checkedFields++;
        }
        Assert.True(checkedFields > 0);
        Assert.True(Marshal.SizeOf(spec.Type) <= scopeSize, $"{name} is {Marshal.SizeOf(spec.Type)} bytes, more than the kernel's {scopeSize}");
    }

    private static int FieldSize(FieldInfo field)
    {
        var fixedBuffer = field.GetCustomAttribute<System.Runtime.CompilerServices.FixedBufferAttribute>();
        return fixedBuffer is not null ? fixedBuffer.Length * Marshal.SizeOf(fixedBuffer.ElementType) : Marshal.SizeOf(field.FieldType);
    }

    private static string Snake(string pascal)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }

    // "a.b": find a (through anonymous members), then b inside a's type.
    private static (uint BitOffset, BtfMember Member)? FindPath(Btf btf, BtfComposite scope, string path)
    {
        uint baseBits = 0;
        var parts = path.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            var hit = Find(btf, scope, parts[i], baseBits);
            if (hit is null) return null;
            if (i == parts.Length - 1) return hit;
            baseBits = hit.Value.BitOffset;
            scope = (BtfComposite)btf.Skip(hit.Value.Member.Type);
        }
        return null;
    }

    private static (uint BitOffset, BtfMember Member)? Find(Btf btf, BtfComposite scope, string name, uint baseBits)
    {
        foreach (var m in scope.Members)
        {
            uint offset = scope.HasBitfieldSizes ? m.BitOffset & 0xFFFFFF : m.BitOffset;
            if (m.Name == name) return (baseBits + offset, m);
            if (m.Name == "" && btf.Skip(m.Type) is BtfComposite inner && Find(btf, inner, name, baseBits + offset) is { } hit) return hit;
        }
        return null;
    }
}
