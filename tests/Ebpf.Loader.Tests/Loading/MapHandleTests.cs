using Ebpf.Native;
using Ebpf.Tests;

namespace Ebpf.Loader.Tests.Loading;

/// <summary>BpfMap.OpenById, BpfMap.FromFd and the map_extra of BpfMap.Create.</summary>
[Collection(nameof(DescriptorCount))]
public class MapHandleTests
{
    private static readonly byte[] Key = BitConverter.GetBytes(7u);

    [KernelFact]
    public void A_map_opened_by_id_is_the_same_map_under_its_kernel_name()
    {
        using var created = BpfMap.Create(BpfMapType.Hash, 4, 8, 16, name: "by_id_test");
        created.Update(Key, BitConverter.GetBytes(42UL));

        using var opened = BpfMap.OpenById(created.Info.Id);
        Assert.Equal("by_id_test", opened.Name);
        Assert.Equal((BpfMapType.Hash, 4, 8, 16u), (opened.Type, opened.KeySize, opened.ValueSize, opened.MaxEntries));
        Assert.Null(opened.Spec);
        var value = new byte[8];
        Assert.True(opened.TryLookup(Key, value));
        Assert.Equal(42UL, BitConverter.ToUInt64(value));
        opened.Update(Key, BitConverter.GetBytes(43UL));
        Assert.True(created.TryLookup(Key, value));
        Assert.Equal(43UL, BitConverter.ToUInt64(value));
    }

    [KernelFact]
    public void An_unknown_id_is_refused_with_the_id()
    {
        var e = Assert.ThrowsAny<BpfException>(() => BpfMap.OpenById(uint.MaxValue - 1));
        Assert.Contains((uint.MaxValue - 1).ToString(), e.Message);
    }

    [KernelFact]
    public void A_wrapped_descriptor_is_owned_and_named()
    {
        using var created = BpfMap.Create(BpfMapType.Array, 4, 8, 4, name: "wrapped");
        var fd = BpfSyscall.MapGetFdById(created.Info.Id);
        var wrapped = BpfMap.FromFd(fd, "mine");
        Assert.Equal("mine", wrapped.Name);
        Assert.Equal((BpfMapType.Array, 4, 8, 4u), (wrapped.Type, wrapped.KeySize, wrapped.ValueSize, wrapped.MaxEntries));
        wrapped.Update(BitConverter.GetBytes(1u), BitConverter.GetBytes(5UL));
        var value = new byte[8];
        Assert.True(created.TryLookup(BitConverter.GetBytes(1u), value));
        Assert.Equal(5UL, BitConverter.ToUInt64(value));

        wrapped.Dispose();
        Assert.True(fd.IsClosed); // ownership: the descriptor went with the map
        Assert.True(created.TryLookup(BitConverter.GetBytes(1u), value)); // the map itself lives on

        using var unnamed = BpfMap.FromFd(BpfSyscall.MapGetFdById(created.Info.Id));
        Assert.Equal("wrapped", unnamed.Name); // the kernel's name by default
    }

    [KernelFact]
    public void A_closed_descriptor_is_refused()
    {
        var map = BpfMap.Create(BpfMapType.Array, 4, 8, 1);
        map.Dispose();
        var e = Assert.Throws<BpfException>(() => BpfMap.FromFd(map.Fd, "gone"));
        Assert.Contains("'gone'", e.Message);
        Assert.Contains("closed", e.Message);
        Assert.Throws<ArgumentNullException>(() => BpfMap.FromFd(null!));
    }

    [KernelFact]
    public void Map_extra_reaches_the_kernel_for_bloom_filters()
    {
        using var bloom = BpfMap.Create(BpfMapType.BloomFilter, 0, 4, 128, name: "bloom3", mapExtra: 3);
        Assert.Equal(3UL, bloom.Info.MapExtra);
        bloom.Update([], BitConverter.GetBytes(11u));
        Assert.True(bloom.TryLookup([], BitConverter.GetBytes(11u)));

        using var byDefault = BpfMap.Create(BpfMapType.BloomFilter, 0, 4, 128);
        Assert.Equal(0UL, byDefault.Info.MapExtra);

        // Only bloom filters (and arena maps) take map_extra; the kernel refuses it elsewhere.
        Assert.ThrowsAny<BpfException>(() => BpfMap.Create(BpfMapType.Hash, 4, 8, 16, mapExtra: 3));
    }
}
