namespace Ebpf.CompilerBench;

/// <summary>Everything measured for one program: sizes on both sides, why the C# side is missing (if it is), run times.</summary>
public sealed class Result(Case bench)
{
    public Case Case { get; } = bench;
    public Sizes? C { get; set; }
    public Sizes? CSharp { get; set; }
    public string? Failure { get; set; }
    public List<Times> Times { get; } = [];
}
