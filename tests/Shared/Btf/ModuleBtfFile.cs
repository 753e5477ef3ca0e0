using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Tests;

/// <summary>
/// Split BTF as a kernel module carries it (/sys/kernel/btf/MODULE; this machine's kernel has no modules): type ids
/// continuing the base's, a string table continuing the base's without a leading empty string (as libbpf and pahole
/// write it), and references to the base's types by id. It declares
/// <code>
/// enum ebpf_test_state { EBPF_TEST_IDLE, EBPF_TEST_BUSY };
/// struct ebpf_test_dev {
///     struct list_head list; u64 bytes; struct task_struct *owner;
///     unsigned int flags:3, busy:1; enum ebpf_test_state state;
///     spinlock_t lock;   /* at byte 40 */
///     char name[16];     /* at byte 48 */
/// };
/// int ebpf_test_dev_open(struct ebpf_test_dev *dev);
/// </code>
/// "name" and "lock" use the base's strings, the other names the module's own.
/// </summary>
public static class ModuleBtfFile
{
    /// <summary>The ids, in the base, of the types the module refers to.</summary>
    public sealed record BaseTypes(int ListHead, int TaskStruct, int U64, int SpinlockT, int SpinlockSize, int Char, int Int, int UnsignedInt);

    public const string Struct = "ebpf_test_dev";
    public const string Enum = "ebpf_test_state";
    public const string Function = "ebpf_test_dev_open";

    public static byte[] Build(int baseCount, ReadOnlySpan<byte> baseStrings, BaseTypes b)
    {
        if (b.SpinlockSize > 8) throw new ArgumentException($"spinlock_t of {b.SpinlockSize} bytes does not fit the 8 bytes at 40", nameof(b));
        var strings = new MemoryStream();
        int baseLength = baseStrings.Length; // a span cannot be captured by the local function
        int Name(string s)
        {
            int offset = baseLength + (int)strings.Length;
            strings.Write(Encoding.UTF8.GetBytes(s + "\0"));
            return offset;
        }
        int BaseName(ReadOnlySpan<byte> table, string s) => table.IndexOf(Encoding.UTF8.GetBytes("\0" + s + "\0")) + 1;
        int nameInBase = BaseName(baseStrings, "name"), lockInBase = BaseName(baseStrings, "lock");
        if (nameInBase <= 0 || lockInBase <= 0) throw new ArgumentException("the base has no 'name' or 'lock' string", nameof(baseStrings));

        var types = new MemoryStream();
        void Word(uint v) { Span<byte> w = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(w, v); types.Write(w); }
        void Type(int name, uint kind, int vlen, uint sizeOrType, bool kindFlag = false)
        {
            Word((uint)name);
            Word((kind << 24) | (uint)vlen | (kindFlag ? 1u << 31 : 0));
            Word(sizeOrType);
        }
        int ptrToTask = baseCount, charArray = baseCount + 1, stateEnum = baseCount + 2, dev = baseCount + 3,
            proto = baseCount + 4, ptrToDev = baseCount + 5;
        Type(0, 2, 0, (uint)b.TaskStruct);                                    // PTR -> task_struct
        Type(0, 3, 0, 0); Word((uint)b.Char); Word((uint)b.Int); Word(16);    // ARRAY char[16]
        Type(Name(Enum), 6, 2, 4);                                            // ENUM, 4 bytes, unsigned
        Word((uint)Name("EBPF_TEST_IDLE")); Word(0);
        Word((uint)Name("EBPF_TEST_BUSY")); Word(1);
        Type(Name(Struct), 4, 8, 64, kindFlag: true);                         // STRUCT with bitfields: offset = size << 24 | bit
        void Member(int name, int type, uint bit, uint bits = 0) { Word((uint)name); Word((uint)type); Word(bits << 24 | bit); }
        Member(Name("list"), b.ListHead, 0);
        Member(Name("bytes"), b.U64, 128);
        Member(Name("owner"), ptrToTask, 192);
        Member(Name("flags"), b.UnsignedInt, 256, 3);
        Member(Name("busy"), b.UnsignedInt, 259, 1);
        Member(Name("state"), stateEnum, 288);
        Member(lockInBase, b.SpinlockT, 320);
        Member(nameInBase, charArray, 384);
        Type(0, 13, 1, (uint)b.Int);                                          // FUNC_PROTO int (struct ebpf_test_dev *dev)
        Word((uint)Name("dev")); Word((uint)ptrToDev);
        Type(0, 2, 0, (uint)dev);                                             // PTR -> ebpf_test_dev
        Type(Name(Function), 12, 1, (uint)proto);                             // FUNC, global linkage

        var header = new byte[24];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0xEB9F);
        header[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)strings.Length);
        return [.. header, .. types.ToArray(), .. strings.ToArray()];
    }
}
