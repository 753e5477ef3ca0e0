using System.CommandLine;

namespace Ebpf.Cli.Tests;

/// <summary>Every command that lists or shows something has --json, so scripts never parse a table.</summary>
public class ListingJsonTests
{
    private static IEnumerable<(string Path, Command Command)> Walk(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
            foreach (var found in Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}"))
                yield return found;
    }

    private static readonly Dictionary<string, Command> Commands =
        Walk(Program.CreateRoot(TextWriter.Null, TextWriter.Null), "").ToDictionary(c => c.Path, c => c.Command);

    [Theory]
    [InlineData("inspect")]
    [InlineData("disasm")]
    [InlineData("btf dump")]
    [InlineData("btf funcs")]
    [InlineData("prog list")]
    [InlineData("prog show")]
    [InlineData("map list")]
    [InlineData("map dump")]
    [InlineData("map watch")]
    [InlineData("link list")]
    [InlineData("cgroup show")]
    [InlineData("events")]
    public void The_listing_command_has_json(string path)
    {
        Assert.True(Commands.TryGetValue(path, out var command), $"no command `ebpf {path}`");
        Assert.Contains(command.Options, o => o.Name == "--json");
    }

    [Fact]
    public void Any_command_named_list_show_dump_or_watch_has_json()
    {
        var listings = Commands.Where(c => c.Value.Name is "list" or "show" or "dump" or "watch" or "funcs").ToList();
        Assert.True(listings.Count >= 8, string.Join(", ", listings.Select(l => l.Key)));
        Assert.All(listings, l => Assert.True(l.Value.Options.Any(o => o.Name == "--json"), $"`ebpf {l.Key}` has no --json"));
    }
}
