namespace Ebpf.Architecture.Tests.BadInputs;

/// <summary>Uses the tool chain, so this assembly references it: the reference checker's bad input.</summary>
internal static class ToolChainUse
{
    public static readonly Type[] Types = [typeof(Ebpf.Build.RuntimeCompilation), typeof(Ebpf.Compiler.CodeGen.ProgramCompiler), typeof(Mono.Cecil.AssemblyDefinition)];
}
