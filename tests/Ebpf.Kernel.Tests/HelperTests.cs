using System.Buffers.Binary;
using System.Text;
using Ebpf.Kernel;

namespace Ebpf.Kernel.Tests;

public sealed class HelperTests
{
    [Fact]
    public void Clock_is_settable_and_steps()
    {
        var k = new ManagedKernel { TimeNs = 5_000, TimeStepNs = 10, SuspendedNs = 1 };
        using (ManagedKernel.Use(k))
        {
            Assert.Equal(5_000UL, Bpf.KtimeGetNs());
            Assert.Equal(5_010UL, Bpf.KtimeGetNs());
            Assert.Equal(5_021UL, Bpf.KtimeGetBootNs());
            k.TimeNs = 8_000_000;
            k.TimeStepNs = 0;
            Assert.Equal(2UL, Bpf.Jiffies64());        // HZ 250: 4 ms a jiffy
            Assert.Equal(8_000_000UL, Bpf.KtimeGetCoarseNs());
        }
        Assert.Same(ManagedKernel.Default, ManagedKernel.Current);
    }

    [Fact]
    public void Random_is_deterministic_per_seed()
    {
        uint[] Take(ulong seed)
        {
            using var _ = ManagedKernel.Use(new ManagedKernel(seed));
            return Enumerable.Range(0, 8).Select(_ => Bpf.GetPrandomU32()).ToArray();
        }
        Assert.Equal(Take(1), Take(1));
        Assert.NotEqual(Take(1), Take(2));
        Assert.True(Take(3).Distinct().Count() > 6);
    }

    [Fact]
    public void Task_ids_and_comm()
    {
        using var _ = ManagedKernel.Use(new ManagedKernel { Pid = 11, Tgid = 10, Uid = 1000, Gid = 100, Comm = "a-very-long-process-name", CgroupId = 77 });
        Assert.Equal(10UL << 32 | 11, Bpf.GetCurrentPidTgid());
        Assert.Equal(100UL << 32 | 1000, Bpf.GetCurrentUidGid());
        Assert.Equal(77UL, Bpf.GetCurrentCgroupId());
        Span<byte> comm = stackalloc byte[16];
        Assert.Equal(0, Bpf.GetCurrentComm(comm));
        Assert.Equal("a-very-long-pro", Encoding.ASCII.GetString(comm[..15]));
        Assert.Equal(0, comm[15]);
        Assert.Equal(-Errno.EINVAL, Bpf.GetCurrentComm([]));
    }

    [Fact]
    public void Printk_is_captured_with_kernel_formatting()
    {
        var k = new ManagedKernel();
        using var _ = ManagedKernel.Use(k);
        Bpf.Printk("hello");
        Bpf.Printk("len=%u mark=%x\n", 60u, 255u);
        Bpf.Printk("%d %d %lld", -1, uint.MaxValue, -1L);   // unsized %d is 32 bits
        Bpf.Printk("%08x|%-4d|%c|%%", 0xabcu, 7, (byte)'A');
        Bpf.Printk("%hhu %lu", 0x1ff, ulong.MaxValue);
        Assert.Equal(["hello", "len=60 mark=ff", "-1 -1 -1", "00000abc|7   |A|%", "255 18446744073709551615"], k.Trace);
        Assert.Throws<ArgumentException>(() => Bpf.Printk("%d"));
        Assert.Throws<ArgumentException>(() => Bpf.Printk("%s", 1));
        Assert.Throws<ArgumentException>(() => Bpf.Printk("none", 1));
        k.ClearTrace();
        Assert.Empty(k.Trace);
    }

    [Theory]
    [InlineData(7UL, 0UL, 0UL, 7UL)]
    [InlineData(7UL, 2UL, 3UL, 1UL)]
    [InlineData(ulong.MaxValue, 1UL, ulong.MaxValue, 0UL)]
    public void Unsigned_division_has_BPF_semantics(ulong a, ulong b, ulong quotient, ulong remainder)
    {
        Assert.Equal(quotient, Bpf.Div(a, b));
        Assert.Equal(remainder, Bpf.Mod(a, b));
        Assert.Equal((uint)quotient, Bpf.Div((uint)a, (uint)b));
        Assert.Equal((uint)Bpf.Mod((uint)a, (uint)b), (uint)((uint)b == 0 ? (uint)a : (uint)a % (uint)b));
    }

    [Fact]
    public void Signed_division_never_throws()
    {
        Assert.Equal(0L, Bpf.Div(-7L, 0L));
        Assert.Equal(-7L, Bpf.Mod(-7L, 0L));
        Assert.Equal(long.MinValue, Bpf.Div(long.MinValue, -1L));
        Assert.Equal(0L, Bpf.Mod(long.MinValue, -1L));
        Assert.Equal(int.MinValue, Bpf.Div(int.MinValue, -1));
        Assert.Equal(0, Bpf.Mod(int.MinValue, -1));
        Assert.Equal(-3, Bpf.Div(-7, 2));     // truncates toward zero, like sdiv
        Assert.Equal(-1, Bpf.Mod(-7, 2));     // sign of the dividend, like smod
        Assert.Equal(0, Bpf.Div(5, 0));
        Assert.Equal(5, Bpf.Mod(5, 0));
    }

    [Fact]
    public void Byte_order_and_addresses()
    {
        Assert.Equal(0x0302010Au, Net.IPv4("10.1.2.3"));
        Assert.Equal("10.1.2.3", Net.FormatIPv4(Net.IPv4("10.1.2.3")));
        Assert.Equal((ushort)443, Net.ToHost16(BinaryPrimitives.ReverseEndianness((ushort)443)));
        Assert.Equal(0x0A010203u, Net.ToHost32(Net.IPv4("10.1.2.3")));
        Assert.Equal(0x0102030405060708UL, Net.ToHost64(Net.ToNetwork64(0x0102030405060708UL)));
        Assert.Equal((ushort)0xBB01, Net.ToNetwork16(443));
        Assert.Equal(0x01000000u, Net.ToNetwork32(1));
        var v6 = Net.IPv6("2001:db8::1");
        Assert.Equal(0xB80D0120u, v6.W0);
        Assert.Equal(0x01000000u, v6.W3);
        Assert.Equal("2001:db8::1", v6.ToString());
        Assert.True(default(IPv6Address).IsZero);
        Assert.Equal(System.Net.Sockets.AddressFamily.Unknown, Net.ToAddressFamily(17));
        Assert.Equal(10u, Net.ToKernelFamily(System.Net.Sockets.AddressFamily.InterNetworkV6));
    }
}
