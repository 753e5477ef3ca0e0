namespace Ebpf;

public static partial class ProgramKinds
{
    /// <summary>An sk_msg verdict program (section <c>sk_msg</c>), attached to a sockmap or sockhash.</summary>
    public static SocketMapProgram AsSkMsg(this BpfProgram program)
    {
        if (program.Type != BpfProgramType.SkMsg)
            throw WrongKind(program, "sk_msg", "AsSkMsg");
        return new SocketMapProgram(program, BpfAttachType.SkMsgVerdict);
    }

    /// <summary>
    /// An sk_skb program attached to a sockmap or sockhash at the hook its section names (<c>sk_skb/stream_parser</c>,
    /// <c>sk_skb/stream_verdict</c>, <c>sk_skb/verdict</c>); a bare <c>sk_skb</c> section needs <paramref name="attachType"/>.
    /// </summary>
    public static SocketMapProgram AsSkSkb(this BpfProgram program, BpfAttachType? attachType = null)
    {
        if (program.Type != BpfProgramType.SkSkb)
            throw WrongKind(program, "sk_skb", "AsSkSkb");
        var type = attachType ?? program.ExpectedAttachType ?? program.Spec?.Definition?.AttachType
            ?? throw new BpfException($"program '{program.Name}' (section \"{program.SectionName}\") names no sk_skb hook; pass BpfAttachType.SkSkbStreamParser, SkSkbStreamVerdict or SkSkbVerdict to AsSkSkb, or use the section sk_skb/stream_parser, sk_skb/stream_verdict or sk_skb/verdict");
        if (type is not (BpfAttachType.SkSkbStreamParser or BpfAttachType.SkSkbStreamVerdict or BpfAttachType.SkSkbVerdict))
            throw new BpfException($"program '{program.Name}': {type} is not an sk_skb hook; use SkSkbStreamParser, SkSkbStreamVerdict or SkSkbVerdict");
        return new SocketMapProgram(program, type);
    }
}
