using Ebpf.Asm;
using Ebpf.Linking;
using Ebpf.Object;
using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// Applies a linked program's CO-RE relocations for the running kernel (or a given target BTF), the way libbpf does
/// before loading: field offsets and sizes, existence checks, bitfield shifts, type ids and sizes, enum values.
/// Independent of map file descriptors, so it runs before map relocation.
/// </summary>
public static class CoReRelocator
{
    /// <summary>
    /// The program with its CO-RE relocations applied; the same instance when it has none. Instructions whose
    /// relocation cannot be resolved are poisoned (see <see cref="CoRePoison"/>), not refused here.
    /// </summary>
    public static LinkedProgram Apply(BpfObjectFile obj, LinkedProgram linked, Btf? target = null)
    {
        if (linked.CoreRelocations.Count == 0) return linked;
        var name = linked.Main.Name;
        var local = obj.Btf ?? throw new BpfCoReException($"program '{name}' has {linked.CoreRelocations.Count} CO-RE relocations but the object has no .BTF section to resolve them with");
        var resolver = new CoReResolver(local, target ?? KernelBtf.Value);

        var instructions = (Instruction[])linked.Instructions.Clone();
        var slots = SlotMap.For(instructions);
        var poisoned = new List<CoRePoisoned>();
        var splitLdImm64 = new HashSet<int>(); // LD_IMM64s poisoned whole: their second slot becomes a poison call too

        for (var i = 0; i < linked.CoreRelocations.Count; i++)
        {
            var relocation = linked.CoreRelocations[i];
            var slot = relocation.InstructionOffset;
            var index = slot >= 0 && slot < slots.SlotCount ? slots.IndexOfSlot(slot) : -1;
            if (index < 0)
                throw new BpfCoReException(name, i, slot, $"slot {slot} is not the start of an instruction of the program ({slots.SlotCount} slots)");
            var ins = instructions[index];
            if (CoRePoison.IsPoison(ins)) continue; // an earlier record on the same instruction already failed
            CoReResult result;
            Instruction patched;
            try
            {
                result = resolver.Resolve(relocation);
                patched = CoRePatcher.Patch(ins, result);
            }
            catch (BpfCoReException e) when (e.Program is null)
            {
                throw new BpfCoReException(name, i, slot, e.Message, e);
            }
            catch (BtfException e)
            {
                throw new BpfCoReException(name, i, slot, $"{CoReKinds.Name(relocation.Kind)} of type [{relocation.TypeId}] + \"{relocation.AccessString}\": {e.Message}", e);
            }
            if (CoRePoison.IsPoison(patched))
            {
                var why = result.Poison ? result.Unresolved
                    : $"the kernel's field {result.TargetSpec} has {result.NewSize} bytes where the program's has {result.OriginalSize}, and only pointers and unsigned integers can be read with another size";
                poisoned.Add(new CoRePoisoned(slot, i, $"{CoReKinds.Name(relocation.Kind)} {result.LocalSpec}: {why}"));
                if (ins.IsLoadImm64) splitLdImm64.Add(index);
            }
            instructions[index] = patched;
        }

        if (splitLdImm64.Count > 0)
            instructions = [.. instructions.SelectMany((ins, index) => splitLdImm64.Contains(index) ? new[] { ins, CoRePoison.Instruction } : [ins])];
        var relocated = new LinkedProgram(linked.Main, instructions, linked.Layout, linked.Relocations, linked.FuncInfos, linked.LineInfos, linked.CoreRelocations);
        CoRePoison.Record(relocated, poisoned);
        return relocated;
    }
}
