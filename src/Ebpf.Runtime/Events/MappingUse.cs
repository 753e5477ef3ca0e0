using System.Runtime.InteropServices;

namespace Ebpf;

/// <summary>
/// Holds a reference on a ring's mapping while the reader reads it, so a Dispose from another thread unmaps only
/// after the read (it throws ObjectDisposedException when the mapping is gone already). A struct: no allocation.
/// </summary>
internal ref struct MappingUse
{
    private readonly SafeHandle _mapping;
    private bool _added;

    public MappingUse(SafeHandle mapping)
    {
        _mapping = mapping;
        _added = false;
        mapping.DangerousAddRef(ref _added);
    }

    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _mapping.DangerousRelease();
        }
    }
}
