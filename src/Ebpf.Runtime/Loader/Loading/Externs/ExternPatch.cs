using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Object.Externs;

namespace Ebpf.Loading.Externs;

/// <summary>
/// Writes a resolved extern into the encoded instructions, as libbpf relocates them: a kfunc call becomes
/// BPF_PSEUDO_KFUNC_CALL with the BTF id in imm and the fd_array index in off; an LD_IMM64 of a typed ksym or kfunc
/// becomes BPF_PSEUDO_BTF_ID (id, module BTF fd), of a typeless ksym its address. A weak kfunc the kernel lacks
/// becomes a call to an unknown helper (<see cref="PoisonBase"/> + the extern's index) that the verifier must find
/// dead, and a missing ksym reads 0 (bpf_ksym_exists is then false).
/// </summary>
internal static class ExternPatch
{
    /// <summary>libbpf's POISON_CALL_KFUNC_BASE: "invalid func unknown#2002000003" names extern 3.</summary>
    public const int PoisonBase = 2002000000;

    private const byte PseudoKfuncCall = 2;

    public static void Apply(Span<byte> code, int byteOffset, bool isCall, ExternKind kind, ResolvedExtern r, int externIndex)
    {
        var ins = code[byteOffset..];
        if (isCall)
        {
            if (r.Found)
            {
                ins[1] = (byte)((ins[1] & 0x0f) | (PseudoKfuncCall << 4));
                BinaryPrimitives.WriteInt16LittleEndian(ins[2..], r.FdIndex);
                BinaryPrimitives.WriteInt32LittleEndian(ins[4..], r.BtfId);
            }
            else
            {
                ins[0] = OpCode.Call;
                ins[1] = 0;
                BinaryPrimitives.WriteInt16LittleEndian(ins[2..], 0);
                BinaryPrimitives.WriteInt32LittleEndian(ins[4..], PoisonBase + externIndex);
            }
            return;
        }
        var typed = r.Found && kind is ExternKind.TypedKsym or ExternKind.Kfunc;
        ins[1] = (byte)((ins[1] & 0x0f) | ((typed ? (byte)LdImm64Source.BtfId : 0) << 4));
        BinaryPrimitives.WriteInt32LittleEndian(ins[4..], typed ? r.BtfId : (int)(uint)r.Address);
        BinaryPrimitives.WriteInt32LittleEndian(ins[12..], typed ? r.BtfObjectFd : (int)(uint)(r.Address >> 32));
    }
}
