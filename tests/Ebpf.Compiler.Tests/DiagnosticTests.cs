using Ebpf.Compiler.CodeGen;
using Ebpf.Compiler.Metadata;

namespace Ebpf.Compiler.Tests;

public class DiagnosticTests
{
    [Theory]
    [InlineData(nameof(BadSamples.Checked), "EBPF002", "checked", 6)]
    [InlineData(nameof(BadSamples.Allocates), "EBPF003", "cannot allocate", 8)]
    [InlineData(nameof(BadSamples.Throws), "EBPF003", "cannot allocate", 10)] // `new` of the exception comes before the throw
    [InlineData(nameof(BadSamples.Strings), "EBPF005", "strings", 12)]
    [InlineData(nameof(BadSamples.Floats), "EBPF007", "floating point", 14)]
    [InlineData(nameof(BadSamples.TooMany), "EBPF011", "at most 5 arguments", 16)]
    [InlineData(nameof(BadSamples.HugeStack), "EBPF013", "over BPF's 512", 19)] // the method's opening brace
    [InlineData(nameof(BadSamples.DividesByVariable), "EBPF033", "Bpf.Div(x, y)", 26)]
    [InlineData(nameof(BadSamples.DividesByMinusOne), "EBPF033", "C# throws for MinValue", 28)]
    [InlineData(nameof(BadSamples.SpanOutOfRange), "EBPF075", "index 5 is outside the 4-element span", 30)]
    public void Refused_with_code_file_line_and_fix(string method, string code, string fragment, int line)
    {
        using var input = AssemblyInput.Open(typeof(BadSamples).Assembly.Location);
        var e = Assert.Throws<CompilerException>(() => FunctionCompiler.Compile(input, input.FindMethod(typeof(BadSamples).FullName!, method)));
        Assert.Equal(code, e.Code);
        Assert.Contains(fragment, e.Message);
        Assert.Matches($@"BadSamples\.cs\({line},\d+\): error {code}: ", e.Message);
    }
}
