using Ebpf.Object.Btf;

namespace Ebpf.CoRe;

/// <summary>
/// The value of a relocation for one spec (local or target), as libbpf computes it. A null spec means nothing
/// matched: existence checks give 0, type-based relocations give 0, everything else poisons the instruction.
/// </summary>
internal static class CoReCalculator
{
    private readonly record struct FieldValue(ulong Value, uint Size, int TypeId, bool Validate, bool Poison);

    public static CoReResult Calculate(BtfCoreRelocationKind kind, CoReSpec local, CoReSpec? target)
    {
        if (CoReKinds.IsFieldBased(kind))
        {
            var orig = Field(kind, local);
            var now = Field(kind, target);
            if (now.Poison) return new CoReResult { Kind = kind, OriginalValue = orig.Value, Poison = true, Validate = orig.Validate };
            var fail = false;
            if (orig.Size != now.Size)
            {
                // A load can be narrowed or widened only where zero extension keeps the value: pointers (a 32-bit
                // kernel pointer) and unsigned integers. Anything else would read a different value.
                var o = local.Btf[orig.TypeId];
                var n = target!.Btf[now.TypeId];
                var safe = (o is BtfPointer && n is BtfPointer)
                    || (o is BtfInt oi && n is BtfInt ni && oi.Encoding != BtfIntEncoding.Signed && ni.Encoding != BtfIntEncoding.Signed);
                fail = !safe;
            }
            return new CoReResult
            {
                Kind = kind, OriginalValue = orig.Value, NewValue = now.Value, Validate = orig.Validate,
                OriginalSize = orig.Size, NewSize = now.Size, OriginalTypeId = orig.TypeId, NewTypeId = now.TypeId, FailMemorySizeAdjust = fail,
            };
        }
        if (CoReKinds.IsTypeBased(kind))
        {
            // type ids may change when objects are linked together, so the compiled-in id is not checked
            return new CoReResult
            {
                Kind = kind, OriginalValue = Type(kind, local), NewValue = Type(kind, target),
                Validate = kind is not BtfCoreRelocationKind.TypeIdTarget,
            };
        }
        if (CoReKinds.IsEnumValueBased(kind))
        {
            var orig = EnumValue(kind, local)!.Value;
            var now = EnumValue(kind, target);
            return new CoReResult { Kind = kind, OriginalValue = orig, NewValue = now ?? 0, Poison = now is null };
        }
        throw new BpfCoReException($"unknown relocation kind {(uint)kind}");
    }

    private static FieldValue Field(BtfCoreRelocationKind kind, CoReSpec? spec)
    {
        if (kind == BtfCoreRelocationKind.FieldExists) return new FieldValue(spec is null ? 0UL : 1UL, 0, 0, true, false);
        if (spec is null) return new FieldValue(0, 0, 0, true, Poison: true);

        var acc = spec.Accessors[^1];
        if (acc.Name is null)
        {
            // the path ends in an array element: only its offset and size make sense
            var size = (uint)CoReSpec.Size(spec.Btf, acc.TypeId);
            return kind switch
            {
                BtfCoreRelocationKind.FieldByteOffset => new FieldValue((ulong)(spec.BitOffset / 8), size, acc.TypeId, true, false),
                BtfCoreRelocationKind.FieldByteSize => new FieldValue(size, 0, 0, true, false),
                _ => throw new BpfCoReException($"{CoReKinds.Name(kind)} cannot be applied to an array element ({spec})"),
            };
        }

        var holder = (BtfComposite)spec.Btf[acc.TypeId];
        var member = holder.Members[acc.Index];
        var memberType = spec.Btf.Skip(member.Type);
        var bitOffset = (ulong)spec.BitOffset;
        ulong bitSize = holder.HasBitfieldSizes ? member.BitfieldSize : 0u;
        var bitfield = bitSize > 0;
        ulong byteSize, byteOffset;
        if (bitfield)
        {
            // the smallest naturally aligned load, starting at the member type's size, that covers the bits
            byteSize = memberType switch { BtfInt i => i.Size, BtfEnumBase e => e.Size, _ => throw new BpfCoReException($"bitfield {spec} is not an integer or enum") };
            if (byteSize == 0) throw new BpfCoReException($"bitfield {spec} has a zero-sized type");
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8)
            {
                if (byteSize >= 8) throw new BpfCoReException($"bitfield {spec} cannot be read with one 64-bit load");
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        }
        else
        {
            byteSize = (ulong)CoReSpec.Size(spec.Btf, memberType.Id);
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }

        // for bitfields the compiler's offset and size may legitimately differ from ours, so only signedness and
        // the right shift are checked against the instruction
        var validate = !bitfield;
        return kind switch
        {
            BtfCoreRelocationKind.FieldByteOffset => bitfield
                ? new FieldValue(byteOffset, 0, 0, validate, false)
                : new FieldValue(byteOffset, (uint)byteSize, memberType.Id, validate, false),
            BtfCoreRelocationKind.FieldByteSize => new FieldValue(byteSize, 0, 0, validate, false),
            BtfCoreRelocationKind.FieldSigned => new FieldValue(
                (memberType is BtfEnumBase { Signed: true } || memberType is BtfInt { IsSigned: true }) ? 1UL : 0UL, 0, 0, true, false),
            // little-endian: shift the field's top bit to bit 63, then down so that its lowest bit is bit 0
            BtfCoreRelocationKind.FieldLShiftU64 => new FieldValue(64 - (bitOffset + bitSize - byteOffset * 8), 0, 0, validate, false),
            BtfCoreRelocationKind.FieldRShiftU64 => new FieldValue(64 - bitSize, 0, 0, true, false),
            _ => throw new BpfCoReException($"unknown field relocation kind {(uint)kind}"),
        };
    }

    private static ulong Type(BtfCoreRelocationKind kind, CoReSpec? spec)
    {
        if (spec is null) return 0; // a type that does not exist: id 0, size 0, exists 0
        return kind switch
        {
            BtfCoreRelocationKind.TypeIdTarget or BtfCoreRelocationKind.TypeIdLocal => (ulong)spec.RootTypeId,
            BtfCoreRelocationKind.TypeExists or BtfCoreRelocationKind.TypeMatches => 1,
            BtfCoreRelocationKind.TypeSize => (ulong)CoReSpec.Size(spec.Btf, spec.RootTypeId),
            _ => throw new BpfCoReException($"unknown type relocation kind {(uint)kind}"),
        };
    }

    /// <summary>Null when the enumerator must exist but does not (poison).</summary>
    private static ulong? EnumValue(BtfCoreRelocationKind kind, CoReSpec? spec)
    {
        if (kind == BtfCoreRelocationKind.EnumValueExists) return spec is null ? 0UL : 1UL;
        if (spec is null) return null;
        var acc = spec.Accessors[0];
        var e = (BtfEnumBase)spec.Btf[acc.TypeId];
        var v = e.Values[acc.Index].Value;
        // a 32-bit enumerator is held as a signed int and widened with its sign, as libbpf does
        return e is BtfEnum ? (ulong)(long)(int)v : (ulong)v;
    }
}
