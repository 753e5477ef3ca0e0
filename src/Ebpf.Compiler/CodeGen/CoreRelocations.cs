using Ebpf.Asm;
using Ebpf.Object.Btf;
using Ebpf.Object.Writing;

namespace Ebpf.Compiler.CodeGen;

/// <summary>A compiled function's CO-RE relocations against the object's BTF, as the writer takes them.</summary>
internal static class CoreRelocations
{
    /// <summary>
    /// One record per relocated instruction, its root type written to the object's BTF. Type-id questions get the local id
    /// in their immediate now (the loader checks an instruction holds the local answer before it patches it).
    /// </summary>
    public static IReadOnlyList<CoreRelocationDefinition> Of(CompiledFunction function, ClrBtf types) =>
        function.CoreRelocations.Select(r =>
        {
            var id = types.Of(r.Relocation.Root);
            if (r.Relocation.Kind is BtfCoreRelocationKind.TypeIdLocal or BtfCoreRelocationKind.TypeIdTarget)
                function.Instructions[r.Index] = function.Instructions[r.Index].WithImm(id);
            return new CoreRelocationDefinition(r.Index, id, r.Relocation.Access, r.Relocation.Kind);
        }).ToList();
}
