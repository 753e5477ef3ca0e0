using System.Text;

namespace BashReadline;

// The user side's view of an event's text fields (the kernel side only fills them).
public unsafe partial struct ReadlineEvent
{
    public readonly string CommText
    {
        get { fixed (byte* p = Comm) return Text(p, 16); }
    }

    public readonly string LineText
    {
        get { fixed (byte* p = Line) return Text(p, BashReadlineProgram.LineLength); }
    }

    private static string Text(byte* bytes, int length)
    {
        var span = new ReadOnlySpan<byte>(bytes, length);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
