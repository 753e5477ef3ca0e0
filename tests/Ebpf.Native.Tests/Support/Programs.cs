using Ebpf.Asm;
using Ebpf.Native;

namespace Ebpf.Native.Tests;

/// <summary>Small programs built with the instruction model, loaded through <see cref="BpfSyscall.ProgLoad(in ProgLoadRequest)"/>.</summary>
internal static class Programs
{
    public static byte[] ReturnConstant(int value) => InstructionEncoder.Encode([Instruction.Mov64(Register.R0, value), Instruction.Exit()]);

    /// <summary>Looks up key 0 of a u32 -> u64 map and returns the value (0 when absent).</summary>
    public static byte[] LookupKeyZero(BpfMapFd map) => InstructionEncoder.Encode(
    [
        Instruction.StoreImm(MemorySize.W, Register.R10, -4, 0),
        Instruction.Mov64(Register.R2, Register.R10),
        Instruction.Alu64(AluOp.Add, Register.R2, -4),
        Instruction.LoadMapFd(Register.R1, map.Fd),
        Instruction.CallHelper(1), // bpf_map_lookup_elem
        Instruction.Jump(JumpOp.Jeq, Register.R0, 0, 2),
        Instruction.LoadMem(MemorySize.DW, Register.R0, Register.R0, 0),
        Instruction.Exit(),
        Instruction.Mov64(Register.R0, 0),
        Instruction.Exit(),
    ]);

    public static BpfProgramFd Load(BpfProgramType type, byte[] insns, string name = "test_prog", BpfAttachType? expected = null)
    {
        var request = new ProgLoadRequest(type, insns, "GPL") { Name = name, ExpectedAttachType = expected };
        return BpfSyscall.ProgLoad(request);
    }

    public static BpfProgramFd SocketFilter(int value = 1, string name = "ret_const") => Load(BpfProgramType.SocketFilter, ReturnConstant(value), name);

    public static BpfMapFd Map(BpfMapType type, int key, int value, uint max, string name = "test_map", BpfMapFlags flags = BpfMapFlags.None, ulong extra = 0) =>
        BpfSyscall.MapCreate(new MapCreateRequest(type, key, value, max) { Name = name, Flags = flags, MapExtra = extra });

    public static byte[] U32(uint v) => BitConverter.GetBytes(v);
    public static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    /// <summary>An Ethernet + IPv4 + UDP packet of the given length.</summary>
    public static byte[] Packet(int length = 64)
    {
        var p = new byte[length];
        for (int i = 0; i < 6; i++) { p[i] = 0xff; p[6 + i] = (byte)(0x10 + i); }
        p[12] = 0x08; p[13] = 0x00;          // EtherType IPv4
        p[14] = 0x45;                        // version 4, IHL 5
        p[16] = 0; p[17] = (byte)(length - 14);
        p[22] = 64; p[23] = 17;              // TTL, UDP
        p[26] = 10; p[27] = 1; p[28] = 2; p[29] = 3;
        p[30] = 10; p[31] = 0; p[32] = 0; p[33] = 1;
        for (int i = 42; i < length; i++) p[i] = (byte)i;
        return p;
    }
}
