using Ebpf.Object.Logs;
using Microsoft.Extensions.Logging;

namespace Ebpf.Maps.Tests;

/// <summary>Log records decoded against a site table (values in template order, as the compiler writes them), without a kernel: values, formats, enums, and records that do not fit.</summary>
public class LogDecoderTests
{
    private static readonly LogSite Site = new()
    {
        Id = 7, Program = "Filter", Level = 3, Size = 32, File = "Filter.cs", Line = 12, Member = "Filter",
        Template = "{Action} {Flags} to {Address:ipv4} port {Port:x4} {{{Count}}} {Enabled} {Letter} {Delta}",
        Values =
        [
            new LogValue { Name = "Action", Kind = LogValueKind.Enum, Offset = 8, Size = 1, Type = "Verdict", Members = [new(0, "Pass"), new(1, "Drop")] },
            new LogValue { Name = "Flags", Kind = LogValueKind.Enum, Offset = 9, Size = 1, Type = "Access", Flags = true, Members = [new(1, "Read"), new(2, "Write"), new(4, "Run")] },
            new LogValue { Name = "Address", Kind = LogValueKind.Unsigned, Offset = 12, Size = 4, Type = "UInt32", Format = "ipv4" },
            new LogValue { Name = "Port", Kind = LogValueKind.Unsigned, Offset = 16, Size = 2, Type = "UInt16", Format = "x4" },
            new LogValue { Name = "Count", Kind = LogValueKind.Unsigned, Offset = 24, Size = 8, Type = "UInt64" },
            new LogValue { Name = "Enabled", Kind = LogValueKind.Boolean, Offset = 18, Size = 1, Type = "Boolean" },
            new LogValue { Name = "Letter", Kind = LogValueKind.Char, Offset = 20, Size = 2, Type = "Char" },
            new LogValue { Name = "Delta", Kind = LogValueKind.Signed, Offset = 22, Size = 2, Type = "Int16" },
        ],
    };

    private static byte[] Record(uint id = 7, int size = 32)
    {
        var r = new byte[size];
        BitConverter.TryWriteBytes(r, id);
        r[8] = 1;                                      // Drop
        r[9] = 5;                                      // Read | Run
        new byte[] { 192, 0, 2, 7 }.CopyTo(r, 12);    // network order, as the header holds it
        BitConverter.TryWriteBytes(r.AsSpan(16), (ushort)443);
        r[18] = 1;
        BitConverter.TryWriteBytes(r.AsSpan(20), 'z');
        BitConverter.TryWriteBytes(r.AsSpan(22), (short)-5);
        if (size >= 32) BitConverter.TryWriteBytes(r.AsSpan(24), 12_345_678_901UL);
        return r;
    }

    private static LogDecoder Decoder() => new(new LogSiteTable([Site]), "ebpf_logs");

    [Fact]
    public void A_record_becomes_the_line_with_typed_values_and_the_message_dotnet_would_format()
    {
        var line = Decoder().Decode(Record());
        Assert.Equal("Drop Read, Run to 192.0.2.7 port 01bb {12345678901} True z -5", line.Message);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal(("Filter", "Filter.cs", 12), (line.Program, line.File, line.Line));
        Assert.Equal(["Drop", "Read, Run", 0x0702_00C0u, (ushort)443, 12_345_678_901UL, true, 'z', (short)-5], line.Values.Select(v => v.Value));
        Assert.Equal(Site.Template, line.Single(kv => kv.Key == "{OriginalFormat}").Value);
    }

    [Fact]
    public void Records_that_do_not_fit_their_site_are_refused_with_the_reason()
    {
        var decoder = Decoder();
        Assert.Contains("shorter than its 8-byte header", Assert.Throws<BpfException>(() => decoder.Decode(new byte[4])).Message);
        Assert.Contains("site 9, which the object's .ebpf.logs does not list", Assert.Throws<BpfException>(() => decoder.Decode(Record(id: 9))).Message);
        Assert.Contains("is 24 bytes, but the site's values take 32", Assert.Throws<BpfException>(() => decoder.Decode(Record(size: 24))).Message);
    }

    [Fact]
    public void A_site_table_with_a_value_outside_its_record_is_refused()
    {
        var bad = new LogSiteTable([Site with { Size = 16 }]).ToBytes();
        Assert.Contains("lies outside its 16-byte record", Assert.Throws<Ebpf.Object.InvalidObjectException>(() => LogSiteTable.Parse(bad, "x.o")).Message);
    }
}
