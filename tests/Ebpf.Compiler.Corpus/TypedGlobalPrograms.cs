using Ebpf.Kernel;

namespace Ebpf.Compiler.Corpus;

public enum Mode : byte { Off, Watch, Block }

public enum Level { Low = -1, Mid = 5, High = 70_000 }

/// <summary>6 bytes in memory and in the program (bool 1, char 2, enum 1); 8 when marshalled (bool 4, char 1).</summary>
public struct Rule
{
    public bool Enabled;
    public char Tag;
    public Mode Mode;
}

/// <summary>
/// Globals of the types whose size in memory differs from their marshalled size (bool, char, a struct of them) and
/// enums: inputs the user sets before load or live, outputs the program writes for the user to read.
/// </summary>
[License("GPL")]
public sealed class TypedGlobalPrograms
{
    // .data: set from user space before load (BpfLoadOptions.SetVariable) or live (BpfGlobalData.Set).
    public static bool Enabled = true;
    public static char Letter = 'a';
    public static Mode Mode = Mode.Watch;
    public static Level Level = Level.Mid;
    public static Rule Rule = new() { Enabled = true, Tag = 'r', Mode = Mode.Block };

    // .rodata: fixed at load, seen by the verifier.
    [LoadTimeConstant] public static readonly bool Strict = false;
    [LoadTimeConstant] public static readonly char Separator = ',';

    // .bss: written by the program, read by the user.
    public static bool NotEnabled;
    public static char NextLetter;
    public static Mode NextMode;
    public static Level SeenLevel;
    public static Rule Echo;

    [CgroupSkb(CgroupSkbDirection.Egress)]
    public static SkbVerdict Run(SkBuffContext skb)
    {
        NotEnabled = !Enabled;
        NextLetter = (char)(Letter + 1);
        NextMode = Mode == Mode.Block ? Mode.Off : (Mode)((byte)Mode + 1);
        SeenLevel = Level;
        Echo.Enabled = !Rule.Enabled;
        Echo.Tag = (char)(Rule.Tag + Separator);
        Echo.Mode = Rule.Mode;
        if (Strict && Letter == Separator)
            return SkbVerdict.Drop;
        return Enabled && Rule.Enabled && Level != Level.Low ? SkbVerdict.Pass : SkbVerdict.Drop;
    }
}
