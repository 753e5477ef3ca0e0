namespace Ebpf.Object.UsdtNotes;

/// <summary>x86-64's struct pt_regs (arch/x86/include/uapi/asm/ptrace.h): the byte offset of each register, by any of its names.</summary>
public static class X86PtRegs
{
    public const ushort Machine = 62; // EM_X86_64

    // pt_regs order: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss.
    private static readonly Dictionary<string, int> Offsets = Build();

    public static int? Offset(string register) => Offsets.TryGetValue(register, out var o) ? o : null;

    private static Dictionary<string, int> Build()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(int offset, params string[] names) { foreach (var n in names) d[n] = offset; }
        Add(0, "r15", "r15d", "r15w", "r15b");
        Add(8, "r14", "r14d", "r14w", "r14b");
        Add(16, "r13", "r13d", "r13w", "r13b");
        Add(24, "r12", "r12d", "r12w", "r12b");
        Add(32, "rbp", "ebp", "bp", "bpl");
        Add(40, "rbx", "ebx", "bx", "bl");
        Add(48, "r11", "r11d", "r11w", "r11b");
        Add(56, "r10", "r10d", "r10w", "r10b");
        Add(64, "r9", "r9d", "r9w", "r9b");
        Add(72, "r8", "r8d", "r8w", "r8b");
        Add(80, "rax", "eax", "ax", "al");
        Add(88, "rcx", "ecx", "cx", "cl");
        Add(96, "rdx", "edx", "dx", "dl");
        Add(104, "rsi", "esi", "si", "sil");
        Add(112, "rdi", "edi", "di", "dil");
        Add(128, "rip");
        Add(152, "rsp", "esp", "sp", "spl");
        return d;
    }
}
