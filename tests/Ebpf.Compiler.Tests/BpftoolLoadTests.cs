using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Corpus;
using Ebpf.Object;
using Ebpf.Tests;

namespace Ebpf.Compiler.Tests;

/// <summary>Objects the compiler writes are standard: bpftool (libbpf) loads every program of each, and llvm-objdump reads them.</summary>
public sealed class BpftoolLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ebpf-compiled-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Classes() => new(nameof(TrafficCounter), nameof(Firewall), nameof(PacketPrograms), nameof(MapPrograms), nameof(GoodPrograms));

    /// <summary>GoodPrograms has a kprobe, which this kernel cannot load (it has no kprobes); the rest loads.</summary>
    public static TheoryData<string> Loadable() => new(nameof(TrafficCounter), nameof(Firewall), nameof(PacketPrograms), nameof(MapPrograms));

    private string Compile(string name)
    {
        var path = Path.Combine(_dir, name + ".bpf.o");
        var type = typeof(BpftoolLoadTests).Assembly.GetType($"Ebpf.Compiler.Tests.{name}") ?? typeof(PacketPrograms).Assembly.GetType($"Ebpf.Compiler.Corpus.{name}")!;
        File.WriteAllBytes(path, ProgramCompiler.Compile(type));
        return path;
    }

    [Theory, MemberData(nameof(Classes))]
    public void Llvm_objdump_disassembles_every_program(string name)
    {
        var path = Compile(name);
        var functions = LlvmTools.Disassembly(path);
        // One line per instruction, LD_IMM64 included (llvm-objdump prints it on one line, as we hold it in one entry).
        foreach (var program in BpfObjectFile.Read(path).Programs)
            Assert.Equal(program.Instructions.Length, functions[program.Name].Count);
    }

    [Fact]
    public void Map_keys_and_values_carry_their_csharp_types_in_btf()
    {
        var dump = LlvmTools.Run("bpftool", "btf", "dump", "file", Compile(nameof(PacketPrograms)));
        Assert.Contains("STRUCT 'TransportPorts' size=4 vlen=2", dump);
        Assert.Contains("'DestinationPort' type_id=", dump);
        Assert.Contains("STRUCT 'IPv4Header' size=20 vlen=10", dump);
        Assert.Matches(@"'Source' type_id=\d+ bits_offset=96", dump); // IPv4Header.Source at byte 12
        Assert.Contains("INT 'ushort' size=2 bits_offset=0 nr_bits=16 encoding=(none)", dump);
    }

    [Fact]
    public void Programs_carry_their_csharp_prototype_in_btf()
    {
        var dump = LlvmTools.Run("bpftool", "btf", "dump", "file", Compile(nameof(PacketPrograms)));
        // SkbVerdict Tcp(struct __sk_buff *skb): the context by the kernel's struct name, the verdict as its enum.
        Assert.Contains("FWD '__sk_buff' fwd_kind=struct", dump);
        Assert.Matches(@"\[(\d+)\] ENUM 'SkbVerdict' encoding=UNSIGNED size=4", dump);
        Assert.Matches(@"FUNC_PROTO '\(anon\)' ret_type_id=\d+ vlen=1\n\t'skb' type_id=\d+\n\[\d+\] FUNC 'Tcp' type_id=\d+ linkage=global", dump);
    }

    [KernelTheory, MemberData(nameof(Loadable))]
    public void Bpftool_loads_every_program(string name)
    {
        var path = Compile(name);
        Assert.Equal(BpfObjectFile.Read(path).Programs.Select(p => p.Name).Order(), LlvmTools.LoadAll(path, "ebpf-compiled-" + name));
    }
}
