using System.Net;
using System.Text;

namespace TcpConnect;

// The user side's view of an event (the kernel side only fills it).
public unsafe partial struct ConnectEvent
{
    public readonly string CommText
    {
        get
        {
            fixed (byte* p = Comm)
            {
                var span = new ReadOnlySpan<byte>(p, 16);
                var end = span.IndexOf((byte)0);
                return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
            }
        }
    }

    public readonly IPAddress SourceAddress
    {
        get { fixed (byte* p = Source) return Address(p); }
    }

    public readonly IPAddress DestinationAddress
    {
        get { fixed (byte* p = Destination) return Address(p); }
    }

    private readonly IPAddress Address(byte* bytes) => new(new ReadOnlySpan<byte>(bytes, Family == 2 ? 4 : 16));
}
