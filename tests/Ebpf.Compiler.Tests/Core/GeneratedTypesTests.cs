using System.Reflection;
using System.Runtime.CompilerServices;
using Ebpf.Compiler.Generation;
using Ebpf.Compiler.Lowering;
using Ebpf.Kernel;
using Ebpf.Object.Btf;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests.Core;

/// <summary>
/// <c>ebpf generate btf</c>'s C# for real kernel types, compiled: every generated struct has the kernel's size (as the CLR
/// lays it out and as the BPF compiler does), and every member the kernel's offset and bitfield width.
/// </summary>
public sealed class GeneratedTypesTests
{
    private static readonly Lazy<(Btf Btf, Assembly Types, string Source)> Generated = new(() =>
    {
        var btf = Btf.LoadKernel();
        // A big struct with bitfields, unions and anonymous members; a union; an enum; a flexible array; a function.
        var source = new BtfCSharpGenerator(btf, "Kernel.Generated").Generate(
            ["task_struct", "bpf_attr", "pid_type", "cgroup", "sk_buff", "do_unlinkat"], Btf.KernelPath);
        return (btf, GeneratedCode.Compile(source, "GeneratedKernelTypes"), source);
    });

    [KernelFact]
    public void EveryGeneratedTypeHasTheKernelsSizeAndOffsets()
    {
        var (btf, assembly, _) = Generated.Value;
        var checkedTypes = 0;
        var checkedMembers = 0;
        foreach (var type in assembly.GetTypes().Where(KernelTypes.IsKernelType))
        {
            var name = KernelTypes.NameOf(type);
            if (name.Length == 0 || type.GetFields(BindingFlags.Instance | BindingFlags.Public).Length == 0) continue; // anonymous, or declared only
            var kernel = btf.FindAll(name).OfType<BtfComposite>().First(c => (c is BtfUnion) == KernelTypes.IsUnion(type));
            Assert.Equal((int)kernel.Size, SizeOf(type));
            Assert.Equal((int)kernel.Size, Layout.SizeOf(type));
            foreach (var member in KernelTypes.MembersOf(type))
            {
                var (bit, bits) = FindMember(btf, kernel, member.Name, 0) ?? throw new Xunit.Sdk.XunitException($"{name}.{member.Name} is not a member of the kernel's {name}");
                Assert.True(bit == member.BitOffset, $"{name}.{member.Name}: kernel bit offset {bit}, generated {member.BitOffset}");
                if (member.IsBitfield) Assert.Equal(bits, member.BitfieldSize);
                else if (member.Source is FieldInfo field)
                    Assert.Equal((int)bit / 8, Layout.OffsetOf(field)); // what the BPF compiler computes from the C# type
                checkedMembers++;
            }
            checkedTypes++;
        }
        Assert.True(checkedTypes > 50, $"only {checkedTypes} types checked");
        Assert.True(checkedMembers > 500, $"only {checkedMembers} members checked");
    }

    [KernelFact]
    public void TheSourceNamesWhatItHolds()
    {
        var (_, assembly, source) = Generated.Value;
        var task = assembly.GetTypes().Single(t => t.Name == "task_struct");
        Assert.Equal(typeof(int), task.GetField("tgid")!.FieldType);
        Assert.True(task.GetField("real_parent")!.FieldType is { IsPointer: true } p && p.GetElementType() == task);
        Assert.Contains(KernelTypes.MembersOf(task), m => m.IsBitfield);                        // sched_reset_on_fork:1 and friends
        Assert.True(KernelTypes.IsUnion(assembly.GetTypes().Single(t => t.Name == "bpf_attr")));
        Assert.True(assembly.GetTypes().Single(t => t.Name == "pid_type").IsEnum);
        Assert.True(assembly.GetTypes().Single(t => t.Name == "do_unlinkat").IsSubclassOf(typeof(MulticastDelegate)));
        Assert.Contains("[KernelFlexibleArray(", source, StringComparison.Ordinal);               // cgroup's ancestors[]
    }

    [KernelFact]
    public void BitfieldGettersReadTheKernelsBits()
    {
        var (_, assembly, _) = Generated.Value;
        var task = assembly.GetTypes().Single(t => t.Name == "task_struct");
        var member = KernelTypes.MembersOf(task).First(m => m.IsBitfield && m.BitfieldSize == 1);
        var bytes = new byte[SizeOf(task)];
        bytes[member.BitOffset / 8] = (byte)(1 << (member.BitOffset % 8));
        var value = typeof(GeneratedTypesTests).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(task).Invoke(null, [bytes])!;
        Assert.Equal(1u, Convert.ToUInt32(((PropertyInfo)member.Source).GetValue(value)));
        // The other bitfields of the same word read 0.
        foreach (var other in KernelTypes.MembersOf(task).Where(m => m.IsBitfield && m != member && m.BitOffset / 32 == member.BitOffset / 32))
            Assert.Equal(0u, Convert.ToUInt32(((PropertyInfo)other.Source).GetValue(value)));
    }

    private static object Read<T>(byte[] bytes) where T : struct => System.Runtime.InteropServices.MemoryMarshal.Read<T>(bytes);

    private static int SizeOf(Type t) => (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;

    /// <summary>A member by name, looking through anonymous members as C does: its bit offset from the struct's start and bitfield width.</summary>
    private static (uint Bit, int Bits)? FindMember(Btf btf, BtfComposite c, string name, uint baseBit)
    {
        foreach (var m in c.Members)
        {
            if (m.Name == name) return (baseBit + m.BitOffset, m.BitfieldSize);
            if (m.Name.Length == 0 && btf.Skip(m.Type) is BtfComposite inner && FindMember(btf, inner, name, baseBit + m.BitOffset) is { } found)
                return found;
        }
        return null;
    }
}
