using System.Text.Json;
using Ebpf.Object.Writing;
using Ebpf.Tests;

namespace Ebpf.Object.Tests.Writing;

/// <summary>bpftool reads the builder's BTF, and loads its objects into the kernel through libbpf.</summary>
public sealed class BpftoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ebpf-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static TheoryData<string> Objects => ["counter", "cgroup_skb.o", "subprog.o", "global_data.o"];

    private string Object(string name) => Write(name.EndsWith(".o") ? name : name + ".o", name == "counter"
        ? SampleObjects.Counter().Build()
        : ObjectRebuilder.Rebuild(BpfObjectFile.Read(Fixtures.Path(name))).Build());

    [Fact]
    public void Btf_dump_lists_the_functions_and_datasecs_with_sizes_filled_in()
    {
        var json = JsonDocument.Parse(LlvmTools.Run("bpftool", "-j", "btf", "dump", "file", Object("counter"))).RootElement.GetProperty("types");
        var types = json.EnumerateArray().ToList();
        string[] Names(string kind) => types.Where(t => t.GetProperty("kind").GetString() == kind).Select(t => t.GetProperty("name").GetString()!).Order().ToArray();
        Assert.Equal(["add_total", "count_egress"], Names("FUNC"));
        Assert.Equal([".bss", ".data", ".maps", ".rodata", "license"], Names("DATASEC"));
        var maps = types.Single(t => t.GetProperty("name").GetString() == ".maps");
        Assert.Equal(32, maps.GetProperty("size").GetInt32());
        var traffic = Assert.Single(maps.GetProperty("vars").EnumerateArray());
        Assert.Equal((0, 32), (traffic.GetProperty("offset").GetInt32(), traffic.GetProperty("size").GetInt32()));
    }

    [Theory, MemberData(nameof(Objects))]
    public void Btf_dump_succeeds(string name) =>
        Assert.Contains("DATASEC 'license'", LlvmTools.Run("bpftool", "btf", "dump", "file", Object(name)));

    [KernelTheory, MemberData(nameof(Objects))]
    public void Prog_loadall_loads_every_program(string name)
    {
        var path = Object(name);
        Assert.Equal(BpfObjectFile.Read(path).Programs.Select(p => p.Name).Order(), LlvmTools.LoadAll(path, "ebpf-writer-" + Path.GetFileNameWithoutExtension(name)));
    }
}
