using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Native;

namespace Ebpf;

/// <summary>
/// Element syscalls on typed keys and values: spans are made over the caller's variables (no copies, no boxing,
/// no allocation). The views checked the sizes when they were made.
/// </summary>
internal static class Elements
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Bytes<T>(in T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> Writable<T>(ref T value) where T : unmanaged =>
        MemoryMarshal.AsBytes(new Span<T>(ref value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryLookup<TKey, TValue>(BpfMapFd fd, in TKey key, out TValue value)
        where TKey : unmanaged where TValue : unmanaged
    {
        Unsafe.SkipInit(out value);
        if (BpfSyscall.MapLookupElem(fd, Bytes(in key), Writable(ref value))) return true;
        value = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update<TKey, TValue>(BpfMapFd fd, in TKey key, in TValue value, BpfUpdateFlags flags)
        where TKey : unmanaged where TValue : unmanaged =>
        BpfSyscall.MapUpdateElem(fd, Bytes(in key), Bytes(in value), flags);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Delete<TKey>(BpfMapFd fd, in TKey key) where TKey : unmanaged => BpfSyscall.MapDeleteElem(fd, Bytes(in key));

    /// <summary>The first key (<paramref name="first"/> true) or the key after <paramref name="previous"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NextKey<TKey>(BpfMapFd fd, bool first, in TKey previous, out TKey next) where TKey : unmanaged
    {
        Unsafe.SkipInit(out next);
        if (BpfSyscall.MapGetNextKey(fd, first ? default : Bytes(in previous), Writable(ref next))) return true;
        next = default;
        return false;
    }

    public static string Describe<T>(in T key) where T : unmanaged => key.ToString() ?? MapChecks.TypeName(typeof(T));
}
