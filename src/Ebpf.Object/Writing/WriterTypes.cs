using Ebpf.Object.Btf;

namespace Ebpf.Object.Writing;

/// <summary>
/// The BTF types the writer itself needs (int, char, unsigned int, void *, the array index type and the
/// <c>int (*)[N]</c> pointers of map definitions), added to the caller's builder once, on first use.
/// </summary>
internal sealed class WriterTypes(BtfBuilder btf)
{
    private int _int, _uint, _char, _arraySize, _voidPointer, _defaultProto;
    private readonly Dictionary<uint, int> _intArrayPointers = [];

    public int Int => Once(ref _int, () => new BtfInt { Name = "int", Size = 4, Bits = 32, Encoding = BtfIntEncoding.Signed });
    public int UnsignedInt => Once(ref _uint, () => new BtfInt { Name = "unsigned int", Size = 4, Bits = 32 });
    public int Char => Once(ref _char, () => new BtfInt { Name = "char", Size = 1, Bits = 8, Encoding = BtfIntEncoding.Signed });

    /// <summary>clang's index type of every array.</summary>
    public int ArraySize => Once(ref _arraySize, () => new BtfInt { Name = "__ARRAY_SIZE_TYPE__", Size = 4, Bits = 32 });

    public int VoidPointer => Once(ref _voidPointer, () => new BtfPointer { Type = 0 });

    /// <summary><c>int (void *ctx)</c>: what a program takes when the caller gives no prototype.</summary>
    public int DefaultProto => Once(ref _defaultProto, () => new BtfFuncProto { ReturnType = Int, Parameters = [new BtfParam("ctx", VoidPointer)] });

    public int Array(int element, uint count) => btf.Add(new BtfArray { ElementType = element, IndexType = ArraySize, Count = count });

    /// <summary><c>int (*)[value]</c>: how <c>__uint(name, value)</c> encodes an integer in a map definition.</summary>
    public int IntArrayPointer(uint value)
    {
        if (!_intArrayPointers.TryGetValue(value, out var id))
            _intArrayPointers[value] = id = btf.Add(new BtfPointer { Type = Array(Int, value) });
        return id;
    }

    private int Once(ref int id, Func<BtfType> make) => id != 0 ? id : id = btf.Add(make());
}
