using Ebpf.Asm;
using Ebpf.CoRe;
using Ebpf.Object.Btf;
using Ebpf.Object.Programs;
using K = Ebpf.Object.Btf.BtfCoreRelocationKind;

namespace Ebpf.Loader.Tests.CoRe;

/// <summary>
/// CO-RE rules on small hand-made BTFs, one rule per test: what libbpf documents for flavors, anonymous members,
/// bitfields, arrays, resized loads, ambiguity, enums and type matching. Expected values are worked out by hand.
/// </summary>
public class CoReSemanticsTests
{
    /// <summary>Collects types for one side (the object's or the kernel's) of a test.</summary>
    private sealed class Types
    {
        private readonly BtfBuilder _b = new();
        public readonly int Int, UInt, Long, ULong;

        public Types()
        {
            Int = _b.Add(new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
            UInt = _b.Add(new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
            Long = _b.Add(new BtfInt { Name = "long", Size = 8, Bits = 64, Encoding = BtfIntEncoding.Signed });
            ULong = _b.Add(new BtfInt { Name = "unsigned long", Size = 8, Bits = 64 });
        }

        public int Add(BtfType t) => _b.Add(t);

        public int Struct(string name, uint size, params BtfMember[] members) =>
            _b.Add(new BtfStruct { Name = name, Size = size, Members = members, HasBitfieldSizes = members.Any(m => m.BitfieldSize > 0) });

        public int Array(int element, uint count) => _b.Add(new BtfArray { ElementType = element, IndexType = Int, Count = count });

        public Btf Build() => _b.Build();
    }

    private static BtfMember M(string name, int type, uint bitOffset, byte bitfieldSize = 0) => new(name, type, bitOffset, bitfieldSize);

    private static CoReResult Resolve(Btf local, Btf target, int typeId, string access, K kind) =>
        CoReResolver.Resolve(local, target, new ProgramCoreRelocation(0, typeId, access, kind));

    [Fact]
    public void A_flavored_local_type_finds_the_kernel_type_and_members_match_by_name()
    {
        var l = new Types();
        var s = l.Struct("task___v2", 8, M("pid", l.Int, 0), M("tgid", l.Int, 32));
        var t = new Types();
        t.Struct("task", 24, M("state", t.Long, 0), M("tgid", t.Int, 64), M("pid", t.Int, 96));
        var (local, target) = (l.Build(), t.Build());

        var r = Resolve(local, target, s, "0:0", K.FieldByteOffset);
        Assert.Equal((0UL, 12UL), (r.OriginalValue, r.NewValue));
        var tgid = Resolve(local, target, s, "0:1", K.FieldByteOffset);
        Assert.Equal((4UL, 8UL), (tgid.OriginalValue, tgid.NewValue));
        Assert.Equal(24UL, Resolve(local, target, s, "0", K.TypeSize).NewValue);
        Assert.Equal(1UL, Resolve(local, target, s, "0:0", K.FieldExists).NewValue);
    }

    [Fact]
    public void Members_are_found_inside_anonymous_structs_and_unions_of_the_kernel_type()
    {
        var l = new Types();
        var s = l.Struct("sock", 8, M("b", l.Int, 0), M("c", l.Long, 0));
        var t = new Types();
        var anon = t.Add(new BtfUnion { Size = 8, Members = [M("b", t.Int, 0), M("c", t.Long, 0)] });
        var inner = t.Struct("", 16, M("x", t.Int, 0), M("", anon, 64));
        t.Struct("sock", 24, M("a", t.Long, 0), M("", inner, 64));
        var (local, target) = (l.Build(), t.Build());

        var r = Resolve(local, target, s, "0:1", K.FieldByteOffset);
        Assert.Equal(16UL, r.NewValue); // 8 (anonymous struct) + 8 (anonymous union inside it)
        Assert.Contains("(0:1:1:1 @ offset 16)", r.TargetSpec);
        Assert.Equal(8UL, Resolve(local, target, s, "0:1", K.FieldByteSize).NewValue);
    }

    [Fact]
    public void Bitfields_give_the_smallest_aligned_load_and_the_shifts_that_extract_them()
    {
        var l = new Types();
        var s = l.Struct("flags", 8, M("x", l.UInt, 0, 3), M("y", l.Int, 3, 20));
        var t = new Types();
        t.Struct("flags", 8, M("x", t.UInt, 5, 3), M("y", t.Int, 30, 20));
        var (local, target) = (l.Build(), t.Build());

        // x: bits 5..7 fit the 4-byte load at 0; shift its top bit (7) to 63, then its bottom down to 0
        Assert.Equal(0UL, Resolve(local, target, s, "0:0", K.FieldByteOffset).NewValue);
        Assert.Equal(4UL, Resolve(local, target, s, "0:0", K.FieldByteSize).NewValue);
        Assert.Equal(56UL, Resolve(local, target, s, "0:0", K.FieldLShiftU64).NewValue);
        Assert.Equal(61UL, Resolve(local, target, s, "0:0", K.FieldRShiftU64).NewValue);
        Assert.Equal(0UL, Resolve(local, target, s, "0:0", K.FieldSigned).NewValue);

        // y: bits 30..49 cross the first 4 bytes, so an 8-byte load at 0
        Assert.Equal(8UL, Resolve(local, target, s, "0:1", K.FieldByteSize).NewValue);
        Assert.Equal(0UL, Resolve(local, target, s, "0:1", K.FieldByteOffset).NewValue);
        Assert.Equal(14UL, Resolve(local, target, s, "0:1", K.FieldLShiftU64).NewValue);
        Assert.Equal(44UL, Resolve(local, target, s, "0:1", K.FieldRShiftU64).NewValue);
        Assert.Equal(1UL, Resolve(local, target, s, "0:1", K.FieldSigned).NewValue);
        // the compiler's idea of a bitfield's offset may differ from ours, so it is not checked
        Assert.False(Resolve(local, target, s, "0:1", K.FieldByteOffset).Validate);
        Assert.True(Resolve(local, target, s, "0:1", K.FieldRShiftU64).Validate);
    }

    [Fact]
    public void Array_indices_are_checked_against_the_kernel_length_except_for_a_flexible_array()
    {
        var l = new Types();
        var s = l.Struct("buf", 20, M("n", l.Int, 0), M("data", l.Array(l.Int, 4), 32));
        var t = new Types();
        t.Struct("buf", 8, M("len", t.Long, 0), M("n", t.Int, 64), M("data", t.Array(t.Int, 2), 96));
        var flex = new Types();
        flex.Struct("buf", 8, M("n", flex.Int, 0), M("data", flex.Array(flex.Int, 0), 32));
        var local = l.Build();

        Assert.Equal(16UL, Resolve(local, t.Build(), s, "0:1:1", K.FieldByteOffset).NewValue); // 12 + 1 * 4
        Assert.True(Resolve(local, t.Build(), s, "0:1:3", K.FieldByteOffset).Poison); // index 3 of a 2-element array
        Assert.Equal(0UL, Resolve(local, t.Build(), s, "0:1:3", K.FieldExists).NewValue);
        Assert.Equal(16UL, Resolve(local, flex.Build(), s, "0:1:3", K.FieldByteOffset).NewValue); // 4 + 3 * 4
        Assert.Equal(8UL, Resolve(local, t.Build(), s, "0:1", K.FieldByteSize).NewValue); // the whole int[2]
    }

    [Fact]
    public void Candidates_that_disagree_are_an_ambiguity_and_candidates_that_agree_are_not()
    {
        var l = new Types();
        var s = l.Struct("dup", 4, M("a", l.Int, 0));
        var differ = new Types();
        differ.Struct("dup", 4, M("a", differ.Int, 0));
        differ.Struct("dup___2", 16, M("pad", differ.Long, 0), M("a", differ.Int, 64));
        var agree = new Types();
        agree.Struct("dup", 4, M("a", agree.Int, 0));
        agree.Struct("dup___2", 8, M("a", agree.Int, 0), M("b", agree.Int, 32));
        var local = l.Build();

        var e = Assert.Throws<BpfCoReException>(() => Resolve(local, differ.Build(), s, "0:0", K.FieldByteOffset));
        Assert.Contains("ambiguous", e.Message);
        var r = Resolve(local, agree.Build(), s, "0:0", K.FieldByteOffset);
        Assert.Equal((0UL, 2), (r.NewValue, r.Candidates));
    }

    [Fact]
    public void Incompatible_member_kinds_do_not_match()
    {
        var l = new Types();
        var s = l.Struct("m", 4, M("a", l.Int, 0));
        var t = new Types();
        var inner = t.Struct("inner", 4, M("z", t.Int, 0));
        t.Struct("m", 4, M("a", inner, 0));
        var r = Resolve(l.Build(), t.Build(), s, "0:0", K.FieldByteOffset);
        Assert.True(r.Poison);
        Assert.Contains("none with a compatible field", r.Unresolved);
    }

    [Fact]
    public void A_load_is_resized_for_an_unsigned_field_of_another_size_and_poisoned_for_a_signed_one()
    {
        var l = new Types();
        var s = l.Struct("sz", 8, M("u", l.UInt, 0), M("i", l.Int, 32));
        var t = new Types();
        t.Struct("sz", 16, M("u", t.ULong, 0), M("i", t.Long, 64));
        var (local, target) = (l.Build(), t.Build());
        var load = new Instruction(OpCode.Memory(InstructionClass.Ldx, MemoryMode.Mem, MemorySize.W), Register.R1, Register.R2, 0, 0);

        var u = Resolve(local, target, s, "0:0", K.FieldByteOffset);
        Assert.Equal((4u, 8u, false), (u.OriginalSize, u.NewSize, u.FailMemorySizeAdjust));
        var widened = CoRePatcher.Patch(load, u);
        Assert.Equal(OpCode.Memory(InstructionClass.Ldx, MemoryMode.Mem, MemorySize.DW), widened.OpCode);
        Assert.Equal(0, widened.Offset);

        var i = Resolve(local, target, s, "0:1", K.FieldByteOffset);
        Assert.True(i.FailMemorySizeAdjust);
        Assert.True(CoRePoison.IsPoison(CoRePatcher.Patch(load.WithOffset(4), i)));
    }

    [Fact]
    public void An_instruction_that_does_not_hold_the_compiled_value_is_refused()
    {
        var l = new Types();
        var s = l.Struct("v", 8, M("a", l.Int, 0), M("b", l.Int, 32));
        var r = Resolve(l.Build(), l.Build(), s, "0:1", K.FieldByteOffset);
        var add = new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Add, OperandSource.K), Register.R1, Register.R0, 0, 4);
        Assert.Equal(4, CoRePatcher.Patch(add, r).Imm);
        var e = Assert.Throws<BpfCoReException>(() => CoRePatcher.Patch(add.WithImm(5), r));
        Assert.Contains("disagree", e.Message);
        var byReg = new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Add, OperandSource.X), Register.R1, Register.R2, 0, 0);
        Assert.Throws<BpfCoReException>(() => CoRePatcher.Patch(byReg, r));
        var jump = new Instruction(OpCode.Exit, Register.R0, Register.R0, 0, 0);
        Assert.Throws<BpfCoReException>(() => CoRePatcher.Patch(jump, r));
    }

    [Fact]
    public void Enumerators_match_by_name_across_enum_and_enum64_and_32_bit_values_keep_their_sign()
    {
        var l = new Types();
        var e = l.Add(new BtfEnum { Name = "mode___old", Size = 4, Values = [new("A", 1), new("B", 2), new("GONE", 3), new("NEG", -1)] });
        var t = new Types();
        t.Add(new BtfEnum64 { Name = "mode", Size = 8, Values = [new("B", 0x1_0000_0000), new("A", 5)] });
        var signed = new Types();
        signed.Add(new BtfEnum { Name = "mode", Size = 4, Signed = true, Values = [new("NEG", -7)] });
        var local = l.Build();

        Assert.Equal(5UL, Resolve(local, t.Build(), e, "0", K.EnumValue).NewValue);
        Assert.Equal(0x1_0000_0000UL, Resolve(local, t.Build(), e, "1", K.EnumValue).NewValue);
        Assert.Equal(0UL, Resolve(local, t.Build(), e, "2", K.EnumValueExists).NewValue);
        Assert.True(Resolve(local, t.Build(), e, "2", K.EnumValue).Poison);
        Assert.Equal(unchecked((ulong)-7L), Resolve(local, signed.Build(), e, "3", K.EnumValue).NewValue);
    }

    [Fact]
    public void Type_relocations_follow_typedefs_and_missing_types_give_zero()
    {
        var l = new Types();
        var pid = l.Add(new BtfTypedef { Name = "pid_t", Type = l.Int });
        var gone = l.Struct("gone", 4, M("a", l.Int, 0));
        var t = new Types();
        var kpid = t.Add(new BtfTypedef { Name = "pid_t", Type = t.Long });
        var (local, target) = (l.Build(), t.Build());

        Assert.Equal(8UL, Resolve(local, target, pid, "0", K.TypeSize).NewValue);
        Assert.Equal((ulong)kpid, Resolve(local, target, pid, "0", K.TypeIdTarget).NewValue);
        Assert.Equal((ulong)pid, Resolve(local, target, pid, "0", K.TypeIdLocal).NewValue);
        Assert.Equal(1UL, Resolve(local, target, pid, "0", K.TypeExists).NewValue);
        Assert.Equal(0UL, Resolve(local, target, pid, "0", K.TypeMatches).NewValue); // int vs long: sizes differ
        foreach (var kind in new[] { K.TypeExists, K.TypeSize, K.TypeIdTarget, K.TypeMatches })
        {
            var r = Resolve(local, target, gone, "0", kind);
            Assert.Equal((0UL, false), (r.NewValue, r.Poison));
        }
    }

    [Fact]
    public void Type_matches_needs_every_local_member_by_name_with_a_matching_type()
    {
        var l = new Types();
        var s = l.Struct("tm", 8, M("a", l.Int, 0), M("p", l.Add(new BtfPointer { Type = l.Add(new BtfForward { Name = "opaque" }) }), 64));
        var superset = new Types();
        superset.Struct("tm", 24, M("z", superset.Long, 0), M("a", superset.Int, 64),
            M("p", superset.Add(new BtfPointer { Type = superset.Struct("opaque", 4, M("q", superset.Int, 0)) }), 128));
        var unsigned = new Types();
        unsigned.Struct("tm", 16, M("a", unsigned.UInt, 0), M("p", unsigned.Add(new BtfPointer { Type = unsigned.Struct("opaque", 4) }), 64));
        var local = l.Build();

        Assert.Equal(1UL, Resolve(local, superset.Build(), s, "0", K.TypeMatches).NewValue); // a forward declaration behind a pointer matches the struct
        Assert.Equal(0UL, Resolve(local, unsigned.Build(), s, "0", K.TypeMatches).NewValue);
    }

    [Fact]
    public void Malformed_records_are_refused_with_the_reason()
    {
        var l = new Types();
        var s = l.Struct("r", 4, M("a", l.Int, 0));
        var btf = l.Build();
        Assert.Contains("no member #3", Assert.Throws<BpfCoReException>(() => Resolve(btf, btf, s, "0:3", K.FieldByteOffset)).Message);
        Assert.Contains("malformed", Assert.Throws<BpfCoReException>(() => Resolve(btf, btf, s, "0:x", K.FieldByteOffset)).Message);
        Assert.Contains("\"0\"", Assert.Throws<BpfCoReException>(() => Resolve(btf, btf, s, "0:0", K.TypeSize)).Message);
        Assert.Contains("not in the object's BTF", Assert.Throws<BpfCoReException>(() => Resolve(btf, btf, 99, "0", K.TypeSize)).Message);
        var anon = new Types();
        var a = anon.Struct("", 4, M("a", anon.Int, 0));
        var abtf = anon.Build();
        Assert.Contains("anonymous", Assert.Throws<BpfCoReException>(() => Resolve(abtf, abtf, a, "0:0", K.FieldByteOffset)).Message);
    }
}
