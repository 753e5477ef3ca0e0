using Ebpf.CoRe;
using Ebpf.Object;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.CoRe;

/// <summary>
/// Every CO-RE record of core.o resolved against this kernel's BTF, each compared with a value derived on another
/// path: bpftool's dump of vmlinux (type ids, sizes, member bit offsets, enumerators).
/// </summary>
public class CoReKernelResolutionTests
{
    private static readonly BpfObjectFile Core = BpfObjectFile.Read(Fixtures.Path("core"));

    [KernelFact]
    public void Every_record_of_core_o_resolves_to_what_bpftool_shows_of_the_kernel()
    {
        var local = Core.Btf!;
        var kernel = Btf.LoadKernel();
        var task = Bpftool.Vmlinux.Struct("task_struct");
        var pidType = Bpftool.Vmlinux.Enum("pid_type");
        var records = Core.Programs.Single(p => p.Name == "on_switch").CoreRelocations;
        Assert.Equal(17, records.Count);
        var seen = new HashSet<BtfCoreRelocationKind>();

        foreach (var r in records)
        {
            var result = CoReResolver.Resolve(local, kernel, r);
            var root = local[r.TypeId];
            ulong expected;
            switch (r.Kind)
            {
                case BtfCoreRelocationKind.TypeIdLocal:
                    expected = (ulong)r.TypeId;
                    break;
                case BtfCoreRelocationKind.TypeIdTarget:
                    expected = (ulong)task.Id;
                    break;
                case BtfCoreRelocationKind.TypeSize:
                    expected = (ulong)task.Size;
                    break;
                case BtfCoreRelocationKind.TypeExists:
                    Assert.Equal("not_in_kernel", root.Name);
                    Assert.False(Bpftool.Vmlinux.Exists("STRUCT 'not_in_kernel"));
                    expected = 0;
                    break;
                case BtfCoreRelocationKind.EnumValueExists:
                    expected = 1;
                    break;
                case BtfCoreRelocationKind.EnumValue:
                    Assert.Equal("pid_type", root.Name);
                    expected = (ulong)pidType.Values["PIDTYPE_TGID"];
                    break;
                default:
                    expected = Field(r, task.Members);
                    break;
            }
            Assert.True(expected == result.NewValue, $"{r.Kind} {result.LocalSpec}: expected {expected}, resolved {result.NewValue}");
            Assert.False(result.Poison, result.LocalSpec);
            seen.Add(r.Kind);
        }
        // the fixture exercises every kind but type_matches (clang-14 cannot emit it)
        Assert.Equal(Enum.GetValues<BtfCoreRelocationKind>().Where(k => k != BtfCoreRelocationKind.TypeMatches).Order(), seen.Order());
    }

    /// <summary>Field relocations: the local path "0:N" names member N of the local task_struct; bpftool gives the kernel's.</summary>
    private static ulong Field(Object.Programs.ProgramCoreRelocation r, IReadOnlyDictionary<string, Bpftool.Vmlinux.Member> kernel)
    {
        var local = (BtfStruct)Core.Btf!.Skip(r.TypeId);
        var path = r.AccessString.Split(':').Select(int.Parse).ToArray();
        Assert.Equal([0], path[..1]);
        Assert.Equal(2, path.Length);
        var member = kernel[local.Members[path[1]].Name];
        Assert.Equal(0, member.BitfieldSize); // none of the fields used is a bitfield in this kernel
        var size = (ulong)Bpftool.Vmlinux.SizeOf(member.TypeId);
        var byteOffset = (ulong)member.BitsOffset / 8;
        return r.Kind switch
        {
            BtfCoreRelocationKind.FieldByteOffset => byteOffset,
            BtfCoreRelocationKind.FieldByteSize => size,
            BtfCoreRelocationKind.FieldExists => 1,
            BtfCoreRelocationKind.FieldSigned => (ulong)Bpftool.Vmlinux.Signed(member.TypeId),
            BtfCoreRelocationKind.FieldLShiftU64 => 64 - size * 8, // a whole field: shifted up to bit 63 from bit 0
            BtfCoreRelocationKind.FieldRShiftU64 => 64 - size * 8,
            _ => throw new InvalidOperationException(r.Kind.ToString()),
        };
    }
}
