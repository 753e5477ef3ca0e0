using System.Reflection.Metadata;
using System.Runtime.CompilerServices;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.Tests;

public class ILDecoderTests
{
    // Methods of this test assembly serve as input: their IL is whatever Roslyn emitted for them.
    public static int Sample(int a, long b)
    {
        var sum = a + (int)b;
        if (sum > 100)
            return sum - 7;
        switch (a)
        {
            case 1: return 10;
            case 2: return 20;
            case 3: return 30;
        }
        return (int)(b * 30_000_000_000L);
    }

    private static int SampleLine([CallerLineNumber] int line = 0) => line;

    [Fact]
    public void Decodes_every_instruction_of_a_real_method_and_its_branch_targets()
    {
        using var input = AssemblyInput.Open(typeof(ILDecoderTests).Assembly.Location);
        var method = input.FindMethod(typeof(ILDecoderTests).FullName!, nameof(Sample));
        var il = input.GetIL(method, out var body);
        var instructions = ILDecoder.Decode(il, input.MethodName(method));
        Assert.Equal(il.Length, instructions.Sum(i => i.Size));
        Assert.Equal(instructions.Select(i => i.Offset).Skip(1), instructions.Select(i => i.End).SkipLast(1));
        var offsets = instructions.Select(i => i.Offset).ToHashSet();
        foreach (var i in instructions)
        {
            if (i.OpCode.IsBranch()) Assert.Contains(i.Int, offsets);
            foreach (var t in i.Targets ?? []) Assert.Contains(t, offsets);
        }
        Assert.True(instructions.Any(i => i.OpCode == ILOpCode.Switch && i.Targets!.Length == 3), string.Join("\n", instructions));
        Assert.Contains(instructions, i => i.OpCode == ILOpCode.Ldc_i8 && i.Long == 30_000_000_000L);
        Assert.Contains(instructions, i => i.OpCode == ILOpCode.Ldc_i4_s && i.Int == 100);
        Assert.True(body.MaxStack > 0);
    }

    [Fact]
    public void Sequence_points_give_the_source_lines()
    {
        var line = SampleLine();
        using var input = AssemblyInput.Open(typeof(ILDecoderTests).Assembly.Location);
        Assert.NotNull(input.Pdb);
        var method = input.FindMethod(typeof(ILDecoderTests).FullName!, nameof(Sequence_points_give_the_source_lines));
        var points = input.SequencePoints(method);
        Assert.Contains(points, p => p.Location.Line == line && p.Location.File.EndsWith("ILDecoderTests.cs"));
        Assert.Equal(line, input.LocationOf(method, points.First(p => p.Location.Line == line).ILOffset)!.Value.Line);
    }

    [Fact]
    public void Truncated_or_damaged_il_is_a_compiler_error()
    {
        var e = Assert.Throws<CompilerException>(() => ILDecoder.Decode(new byte[] { 0x20, 0x01 }, "M")); // ldc.i4 missing 3 bytes
        Assert.Contains("truncated at IL_0000", e.Message);
        Assert.Throws<CompilerException>(() => ILDecoder.Decode(new byte[] { 0xfe }, "M"));
        Assert.Throws<CompilerException>(() => ILDecoder.Decode(new byte[] { 0x45, 0xff, 0xff, 0xff, 0x0f }, "M")); // switch with a huge count
        var random = new Random(7);
        for (var n = 0; n < 20_000; n++)
        {
            var bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);
            try { ILDecoder.Decode(bytes, "M"); }
            catch (CompilerException) { }
        }
    }

    [Fact]
    public void Missing_or_non_dotnet_files_are_compiler_errors()
    {
        Assert.Throws<CompilerException>(() => AssemblyInput.Open("/nonexistent.dll"));
        var notDotnet = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(notDotnet, new byte[200]);
            Assert.Throws<CompilerException>(() => AssemblyInput.Open(notDotnet));
        }
        finally
        {
            File.Delete(notDotnet);
        }
    }
}
