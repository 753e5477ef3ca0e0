using System.Reflection;
using System.Text;
using Ebpf.Kernel;
using Ebpf.Tests;

namespace Ebpf.Kernel.Tests;

// The library's numbers checked against the running kernel's BTF: the ABI the compiler relies on.
public sealed class KernelBtfTests
{
    public static TheoryData<Type> Contexts() => new(typeof(SkBuffContext).Assembly.GetExportedTypes()
        .Where(t => t.GetCustomAttribute<KernelStructAttribute>() is not null));

    [KernelTheory]
    [MemberData(nameof(Contexts))]
    public void Context_field_offsets_and_sizes_match_the_kernel_struct(Type context)
    {
        var kernelStruct = context.GetCustomAttribute<KernelStructAttribute>()!;
        var btf = KernelBtf.Vmlinux;
        var type = btf.Struct(kernelStruct.Name);
        Assert.Equal(kernelStruct.Size, type.Size);

        var problems = new StringBuilder();
        int checkedFields = 0;
        foreach (var property in context.GetProperties())
        {
            if (property.GetCustomAttribute<ContextFieldAttribute>() is not { } field) continue;
            checkedFields++;
            var member = btf.Member(type, field.Member);
            if (member is null) problems.AppendLine($"{property.Name}: no member '{field.Member}' in struct {kernelStruct.Name}");
            else if (member.Value.Offset != field.Offset || member.Value.Size != field.Size)
                problems.AppendLine($"{property.Name}: '{field.Member}' is at {member.Value.Offset} size {member.Value.Size}, the attribute says {field.Offset} size {field.Size}");
        }
        Assert.True(problems.Length == 0, problems.ToString());
        Assert.True(checkedFields >= 2, $"{context.Name} has only {checkedFields} context fields");
    }

    [KernelFact]
    public void Sk_buff_offsets_the_compiler_notes_cite()
    {
        var skb = KernelBtf.Vmlinux.Struct("__sk_buff");
        Assert.Equal((76L, 4L), KernelBtf.Vmlinux.Member(skb, "data"));
        Assert.Equal((80L, 4L), KernelBtf.Vmlinux.Member(skb, "data_end"));
        Assert.Equal(76, SkBuffContext.Offsets.Data);
        Assert.Equal(80, SkBuffContext.Offsets.DataEnd);
        var xdp = KernelBtf.Vmlinux.Struct("xdp_md");
        Assert.Equal((long)XdpContext.Offsets.Data, KernelBtf.Vmlinux.Member(xdp, "data")!.Value.Offset);
        Assert.Equal((long)XdpContext.Offsets.DataEnd, KernelBtf.Vmlinux.Member(xdp, "data_end")!.Value.Offset);
    }

    [KernelFact]
    public void Helper_ids_match_enum_bpf_func_id()
    {
        var problems = new StringBuilder();
        foreach (var (member, helper) in AllHelpers())
        {
            var id = KernelBtf.Vmlinux.Enumerator("BPF_FUNC_" + helper.Name);
            if (id is null) problems.AppendLine($"{member}: BPF_FUNC_{helper.Name} is not in this kernel");
            else if (id != helper.Id) problems.AppendLine($"{member}: BPF_FUNC_{helper.Name} is {id}, the attribute says {helper.Id}");
        }
        Assert.True(problems.Length == 0, problems.ToString());
    }

    [KernelFact]
    public void Enum_values_match_the_kernel()
    {
        var btf = KernelBtf.Vmlinux;
        foreach (var t in Enum.GetValues<MapType>())
            Assert.True((long)t == btf.Enumerator("BPF_MAP_TYPE_" + Upper(t.ToString()).Replace("PER_CPU", "PERCPU").Replace("RING_BUF", "RINGBUF")
                .Replace("_MAP", "MAP").Replace("SOCK_HASH", "SOCKHASH").Replace("SOCK_ARRAY", "SOCKARRAY").Replace("_OFMAPS", "_OF_MAPS")), t.ToString());
        foreach (var a in Enum.GetValues<XdpAction>())
            Assert.Equal((long)a, btf.Enumerator("XDP_" + Upper(a.ToString())));
        foreach (var op in Enum.GetValues<SockOpsOp>())
            Assert.Equal((long)op, btf.Enumerator("BPF_SOCK_OPS_" + Upper(op.ToString())));
        Assert.Equal(0L, btf.Enumerator("BPF_CGROUP_INET_INGRESS"));
        Assert.Equal((long)CgroupSkbDirection.Egress, btf.Enumerator("BPF_CGROUP_INET_EGRESS"));
        Assert.Equal((long)SkVerdict.Pass, btf.Enumerator("SK_PASS"));
        Assert.Equal((long)FlowDissectorVerdict.Continue, btf.Enumerator("BPF_FLOW_DISSECTOR_CONTINUE"));
        Assert.Equal((long)LwtVerdict.Reroute, btf.Enumerator("BPF_LWT_REROUTE"));
        Assert.Equal((long)UpdateFlags.Exist, btf.Enumerator("BPF_EXIST"));
        Assert.Equal((long)MapFlags.NoPrealloc, btf.Enumerator("BPF_F_NO_PREALLOC"));
        Assert.Equal((long)MapFlags.InnerMap, btf.Enumerator("BPF_F_INNER_MAP"));
        Assert.Equal((long)RingBufferQuery.ProducerPosition, btf.Enumerator("BPF_RB_PROD_POS"));
    }

    internal static IEnumerable<(string Member, HelperAttribute Helper)> AllHelpers() =>
        typeof(Bpf).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Member: m.DeclaringType!.Name + "." + m.Name, Helper: m.GetCustomAttribute<HelperAttribute>()))
            .Where(x => x.Helper is not null)
            .Select(x => (x.Member, x.Helper!));

    // "PerCpuHash" → "PER_CPU_HASH", "IPv4"-free names only.
    private static string Upper(string pascal)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]) && !char.IsUpper(pascal[i - 1])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(pascal[i]));
        }
        return sb.ToString();
    }
}

public class HeaderLayoutTests
{
    /// <summary>Each header struct has the size and member offsets of the kernel's own struct.</summary>
    [KernelTheory]
    [InlineData(typeof(IPv4Header), "iphdr", "tot_len:TotalLength,frag_off:FragmentOffset,ttl:Ttl,protocol:Protocol,check:Checksum")]
    [InlineData(typeof(IPv6Header), "ipv6hdr", "payload_len:PayloadLength,nexthdr:NextHeader,hop_limit:HopLimit")]
    [InlineData(typeof(TcpHeader), "tcphdr", "source:SourcePort,dest:DestinationPort,seq:Sequence,ack_seq:Acknowledgment,window:Window,check:Checksum,urg_ptr:UrgentPointer")]
    [InlineData(typeof(UdpHeader), "udphdr", "source:SourcePort,dest:DestinationPort,len:Length,check:Checksum")]
    [InlineData(typeof(IcmpHeader), "icmphdr", "type:Type,code:Code,checksum:Checksum")]
    public void Headers_match_the_kernels_structs(Type header, string kernelStruct, string members)
    {
        var btf = KernelBtf.Vmlinux;
        var type = btf.Struct(kernelStruct);
        Assert.Equal(type.Size, System.Runtime.InteropServices.Marshal.SizeOf(header));
        foreach (var pair in members.Split(','))
        {
            var (kernel, ours) = (pair.Split(':')[0], pair.Split(':')[1]);
            var member = btf.Member(type, kernel) ?? throw new InvalidOperationException($"{kernelStruct} has no {kernel}");
            Assert.Equal(member.Offset, (long)System.Runtime.InteropServices.Marshal.OffsetOf(header, ours));
            Assert.Equal(member.Size, System.Runtime.InteropServices.Marshal.SizeOf(header.GetField(ours)!.FieldType));
        }
    }
}
