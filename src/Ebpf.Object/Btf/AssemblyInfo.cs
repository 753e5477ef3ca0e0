using System.Runtime.CompilerServices;

// The benchmarks time the parser's stages (header, index) separately.
[assembly: InternalsVisibleTo("Ebpf.BtfBench")]
