using Ebpf.Asm;
using Ebpf.Object.Elf;

namespace Ebpf.Object.Writing;

public sealed partial class BpfObjectBuilder
{
    /// <summary>Encodes a code section: each relocated instruction gets clang's immediate and an ELF relocation where clang writes one.</summary>
    private byte[] EncodeSection(ElfPlan plan, SectionPlan section, List<FunctionLayout> functions)
    {
        var instructions = new List<Instruction>();
        foreach (var f in functions)
        {
            var code = f.Definition.Instructions.ToArray();
            foreach (var r in f.Definition.Relocations)
                code[r.InstructionIndex] = Relocate(plan, section, f, r, code[r.InstructionIndex]);
            instructions.AddRange(code);
        }
        return InstructionEncoder.Encode(instructions);
    }

    private Instruction Relocate(ElfPlan plan, SectionPlan section, FunctionLayout f, CodeRelocation r, Instruction ins)
    {
        var offset = (ulong)f.OffsetOf(r.InstructionIndex);
        var where = $"{f.Describe}, instruction {r.InstructionIndex}";
        switch (r.Kind)
        {
            case CodeRelocationKind.Map:
            {
                if (!_maps.Any(m => m.Definition.Name == r.Target))
                    throw new ObjectBuildException($"{where} refers to map '{r.Target}', which was not added; add it with AddMap or use one of: {List(_maps.Select(m => m.Definition.Name))}");
                section.Relocations.Add((offset, BpfRelocationType.Bpf64_64, plan.SymbolIndex(r.Target)));
                return ins.WithPseudoSource(LdImm64Source.None).WithConstant(0);
            }
            case CodeRelocationKind.Variable:
            {
                if (!_variables.TryGetValue(r.Target, out var v))
                    throw new ObjectBuildException($"{where} refers to variable '{r.Target}', which was not added; add it with AddVariable or use one of: {List(_variables.Keys)}");
                if (r.Addend < 0 || r.Addend > v.Size)
                    throw new ObjectBuildException($"{where}: offset {r.Addend} lies outside variable '{v.Name}' ({v.Size} bytes)");
                // As clang: a static variable through its section symbol (offset in the immediate), a global through its own symbol.
                var symbol = v.IsStatic ? plan.SectionSymbolIndex(v.Section.Name) : plan.SymbolIndex(v.Name);
                section.Relocations.Add((offset, BpfRelocationType.Bpf64_64, symbol));
                return ins.WithPseudoSource(LdImm64Source.None).WithConstant((v.IsStatic ? v.Offset : 0) + r.Addend);
            }
            case CodeRelocationKind.Call:
            {
                var target = Subprogram(r, where);
                if (target.Section == f.Section)
                    // Within one section clang resolves the call itself: imm is the distance in slots from the next instruction.
                    return ins.WithSrc((Register)CallKind.Pseudo).WithImm(target.ByteOffset / 8 - ((int)offset / 8 + 1));
                // Across sections: a static callee through .text's section symbol, a global one through its own.
                var symbol = target.IsLocal ? plan.SectionSymbolIndex(TextSection) : plan.SymbolIndex(target.Name);
                section.Relocations.Add((offset, BpfRelocationType.Bpf64_32, symbol));
                return ins.WithSrc((Register)CallKind.Pseudo).WithImm(target.IsLocal ? target.ByteOffset / 8 - 1 : -1);
            }
            case CodeRelocationKind.Kfunc or CodeRelocationKind.KfuncAddress:
            {
                if (!_kfuncs.Any(k => k.Name == r.Target))
                    throw new ObjectBuildException($"{where} refers to kfunc '{r.Target}', which was not declared; declare it with AddKfunc or use one of: {List(_kfuncs.Select(k => k.Name))}");
                var call = r.Kind == CodeRelocationKind.Kfunc;
                section.Relocations.Add((offset, call ? BpfRelocationType.Bpf64_32 : BpfRelocationType.Bpf64_64, plan.SymbolIndex(r.Target)));
                // As clang: a call to an extern function is a pseudo call to -1, the loader makes it BPF_PSEUDO_KFUNC_CALL.
                return call ? ins.WithSrc((Register)CallKind.Pseudo).WithImm(-1) : ins.WithPseudoSource(LdImm64Source.None).WithConstant(0);
            }
            default:
            {
                var target = Subprogram(r, where);
                section.Relocations.Add((offset, BpfRelocationType.Bpf64_64, plan.SectionSymbolIndex(TextSection)));
                return ins.WithPseudoSource(LdImm64Source.Func).WithConstant(target.ByteOffset);
            }
        }
    }

    private FunctionLayout Subprogram(CodeRelocation r, string where)
    {
        var target = _functions.FirstOrDefault(g => g.Name == r.Target)
            ?? throw new ObjectBuildException($"{where} calls '{r.Target}', which was not added; add it with AddSubprogram or use one of: {List(_functions.Where(g => !g.IsProgram).Select(g => g.Name))}");
        if (target.IsProgram)
            throw new ObjectBuildException($"{where} calls program '{r.Target}'; programs cannot be called. Move the shared code into a subprogram (AddSubprogram) and call that");
        return target;
    }

    private static string List(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? "(none)" : list;
    }
}
