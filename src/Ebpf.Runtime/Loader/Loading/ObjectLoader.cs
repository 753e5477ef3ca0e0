using System.Buffers.Binary;
using Ebpf.Asm;
using Ebpf.Linking;
using Ebpf.Native;
using Ebpf.Object;
using Ebpf.Object.Data;
using Ebpf.Object.Maps;
using Ebpf.Object.Relocations;

namespace Ebpf.Loading;

/// <summary>
/// Loads an object as libbpf does: BTF first, then maps (pinned ones reused), global data as array maps,
/// then each program linked with its subprograms and relocated against the map descriptors.
/// On any failure everything created so far is closed before the exception leaves.
/// </summary>
internal sealed class ObjectLoader(BpfObjectFile spec, BpfLoadOptions options)
{
    private readonly List<IDisposable> _owned = [];
    private readonly List<string> _warnings = [];
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<DataSection, BpfMap> _dataMaps = [];
    private readonly Dictionary<string, BpfProgram> _programs = new(StringComparer.Ordinal);
    private readonly ObjectPlan _plan = ObjectPlan.For(spec, options.CoreTargetBtfPath);
    private BpfBtfFd? _btfFd;
    private bool _btfHasFunctions;
    private bool _btfHasDataSections;
    private StructOpsLoading? _structOps;

    public BpfObject Load()
    {
        using var externs = new Externs.ExternResolver(spec); // module BTF descriptors: the kernel holds what loaded programs need
        try
        {
            CheckSettingNames();
            LoadBtf();
            if (spec.Maps.Any(m => m.StructOps is not null))
                _structOps = new StructOpsLoading(spec.Maps, spec.Source);
            foreach (var map in spec.Maps)
                if (options.MapSettings.GetValueOrDefault(map.Name)?.AutoCreate != false)
                    _maps[map.Name] = Own(CreateMap(Effective(map)));
            CreateDataMaps();
            // func_info and line_info name FUNC types: a kernel without them gets neither.
            var programs = new ProgramLoader(spec, _plan, options, _btfHasFunctions ? _btfFd : null, _maps, _dataMaps, externs)
            {
                StructOps = _structOps?.Programs,
            };
            foreach (var program in SelectedPrograms())
                _programs[program.Name] = Own(programs.Load(program));
            FillInitializers();
            foreach (var map in spec.Maps)
                if (map.StructOps is { } ops && _maps.ContainsKey(map.Name))
                {
                    // A load of some programs only (BpfLoadOptions.Programs) leaves a map whose members are not all loaded empty.
                    var missing = ops.Members.Where(m => !_programs.ContainsKey(m.Program)).Select(m => m.Program).ToList();
                    if (missing.Count == 0)
                        _structOps!.Fill(map, _maps[map.Name], spec.Btf!, _programs);
                    else
                        _warnings.Add($"struct_ops map '{map.Name}' (struct {ops.TypeName}) was created but not filled: its programs {string.Join(", ", missing)} were not loaded");
                }
            // The dictionaries are handed over: this loader is done with them.
            return new BpfObject(spec, new NamedCollection<BpfProgram>(_programs, "program", spec.Source),
                new NamedCollection<BpfMap>(_maps, "map", spec.Source), _owned, _warnings);
        }
        catch
        {
            for (var i = _owned.Count - 1; i >= 0; i--)
                _owned[i].Dispose();
            throw;
        }
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    private void LoadBtf()
    {
        if (_plan.Btf is not { } btf)
            return;
        var features = options.BtfFeatures ?? BtfSupport.KernelBtfFeatures.Current;
        _btfHasFunctions = features.HasFlag(BtfSupport.BtfFeatures.Functions);
        _btfHasDataSections = features.HasFlag(BtfSupport.BtfFeatures.DataSections);
        try
        {
            _btfFd = Own(BpfSyscall.BtfLoad(BtfSupport.BtfSanitizer.Sanitize(btf.Bytes, features), 0, Path.GetFileName(spec.Source)));
        }
        catch (BpfSyscallException e)
        {
            // As libbpf does: a kernel that refuses the BTF still gets the maps and programs, without type information.
            _warnings.Add($"the kernel refused the object's BTF, so maps and programs load without it: {e.Message}");
        }
    }

    private IReadOnlyList<Object.Programs.ProgramSpec> SelectedPrograms()
    {
        foreach (var name in options.Programs ?? [])
            if (!spec.Programs.Any(p => p.Name == name))
                throw new BpfLoadException($"{spec.Source} has no program '{name}' to load; it has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
        return [.. spec.Programs.Where(p => (options.Programs is null || options.Programs.Contains(p.Name))
            && options.ProgramSettings.GetValueOrDefault(p.Name)?.AutoLoad != false)];
    }

    /// <summary>Settings for a map or program the object does not have are a mistake to report, not to ignore.</summary>
    private void CheckSettingNames()
    {
        foreach (var name in options.MapSettings.Keys)
            if (spec.FindMap(name) is null)
                throw new BpfLoadException($"options.Map(\"{name}\"): {spec.Source} has no map '{name}'" +
                    (spec.FindDataSection(name) is not null ? " to configure: global-data maps take their size from their section; set their variables with SetVariable" : $"; it has: {string.Join(", ", spec.Maps.Select(m => m.Name))}"));
        foreach (var name in options.ProgramSettings.Keys)
            if (!spec.Programs.Any(p => p.Name == name))
                throw new BpfLoadException($"options.Program(\"{name}\"): {spec.Source} has no program '{name}'; it has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
    }

    /// <summary>The map as the settings change it (libbpf's bpf_map__set_*); BTF key/value types go when their sizes no longer match.</summary>
    private MapSpec Effective(MapSpec map)
    {
        if (options.MapSettings.GetValueOrDefault(map.Name) is not { } s)
            return map;
        var flags = s.Flags is { } f ? (uint)f : map.Flags;
        if (s.NumaNode is not null)
            flags |= (uint)BpfMapFlags.NumaNode;
        var keySize = s.KeySize ?? map.KeySize;
        var valueSize = s.ValueSize ?? map.ValueSize;
        return map with
        {
            Type = s.Type ?? map.Type, KeySize = keySize, ValueSize = valueSize, MaxEntries = s.MaxEntries ?? map.MaxEntries, Flags = flags,
            NumaNode = s.NumaNode ?? map.NumaNode, MapExtra = s.MapExtra ?? map.MapExtra, InnerMap = s.InnerMap ?? map.InnerMap,
            KeyTypeId = keySize == map.KeySize ? map.KeyTypeId : null, ValueTypeId = valueSize == map.ValueSize ? map.ValueTypeId : null,
        };
    }

    private BpfMap CreateMap(MapSpec map)
    {
        var maxEntries = map.MaxEntries;
        if (map.Type == BpfMapType.PerfEventArray && maxEntries == 0)
            maxEntries = (uint)PossibleCpus.Count;
        var settings = options.MapSettings.GetValueOrDefault(map.Name);
        if (settings?.Reuse is { } existing)
            return Reuse(map, (BpfMapFd)existing.Fd.Duplicate(), maxEntries, null);
        var pinPath = settings?.PinPath;
        if (pinPath is null && map.Pinning == MapPinType.ByName && options.PinDirectory is { } dir)
            pinPath = Path.Combine(dir, map.Name);
        if (pinPath is not null && OpenPinned(pinPath) is { } pinned)
            return Reuse(map, pinned, maxEntries, pinPath);

        if (map.StructOps is not null)
            return new BpfMap(map.Name, CreateOrExplain(map, _structOps!.CreateRequest(map, _btfFd)), map);
        using var inner = map.InnerMap is { } template ? CreateInner(map, template) : null;
        var request = new MapCreateRequest(map.Type, (int)map.KeySize, (int)map.ValueSize, maxEntries)
        {
            Flags = (BpfMapFlags)map.Flags, Name = BpfObjectName.ForKernel(map.Name), NumaNode = map.NumaNode, MapExtra = map.MapExtra,
            InnerMap = inner?.Fd,
        };
        if ((map.Flags & (uint)BpfMapFlags.NumaNode) == 0)
            request.NumaNode = 0;
        BpfMapFd fd;
        if (_btfFd is not null && (map.KeyTypeId is not null || map.ValueTypeId is not null) && TakesBtfKeyValue(map.Type))
        {
            var withBtf = request;
            withBtf.Btf = _btfFd;
            withBtf.BtfKeyTypeId = (uint)(map.KeyTypeId ?? 0);
            withBtf.BtfValueTypeId = (uint)(map.ValueTypeId ?? 0);
            try
            {
                fd = BpfSyscall.MapCreate(withBtf);
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EINVAL || e.IsNotSupported)
            {
                _warnings.Add($"map '{map.Name}' was refused with BTF key/value types and created without them: {e.Message}");
                fd = CreateOrExplain(map, request);
            }
        }
        else
        {
            fd = CreateOrExplain(map, request);
        }
        var created = new BpfMap(map.Name, fd, map);
        return pinPath is null ? created : PinOrShare(map, created, pinPath, maxEntries);
    }

    /// <summary>
    /// Pins a new map; when another loader pinned the path after our look (two services starting together), uses that
    /// map instead, as if it had been there first. A pin that comes and goes meanwhile gets more tries: each lost round
    /// means the other side pinned and unpinned in between, so a bound of 50 only ends a path flapping without pause
    /// (a CI run lost 5 rounds in a row to a test's tight pin/unpin loop on a loaded machine).
    /// </summary>
    private static BpfMap PinOrShare(MapSpec map, BpfMap created, string pinPath, uint maxEntries)
    {
        for (var attempt = 1; ; attempt++)
        {
            BpfMapFd? winner;
            try
            {
                created.Pin(pinPath);
                return created;
            }
            catch (BpfSyscallException e) when (e.Errno == SyscallErrno.EEXIST && attempt < 50)
            {
                try { winner = OpenPinned(pinPath); }
                catch { created.Dispose(); throw; }
            }
            catch
            {
                created.Dispose();
                throw;
            }
            if (winner is not null)
            {
                created.Dispose();
                return Reuse(map, winner, maxEntries, pinPath);
            }
        }
    }

    /// <summary>
    /// The map pinned at <paramref name="path"/>, or null when nothing is pinned there. Opening and handling ENOENT, not
    /// asking File.Exists first: a pin removed between the two would fail the load instead of creating the map.
    /// (The other race, a pin made between this look and our own pin, is PinOrShare's.)
    /// </summary>
    private static BpfMapFd? OpenPinned(string path)
    {
        try { return BpfSyscall.ObjGetMap(path); }
        catch (BpfSyscallException e) when (e.Errno == SyscallErrno.ENOENT) { return null; }
    }

    /// <summary>Map types whose keys or values are descriptors or nothing: the kernel refuses BTF types for them, as libbpf knows.</summary>
    private static bool TakesBtfKeyValue(BpfMapType type) => type is not (BpfMapType.PerfEventArray or BpfMapType.CgroupArray
        or BpfMapType.StackTrace or BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps or BpfMapType.Devmap or BpfMapType.DevmapHash
        or BpfMapType.Cpumap or BpfMapType.Xskmap or BpfMapType.Sockmap or BpfMapType.Sockhash or BpfMapType.Queue or BpfMapType.Stack
        or BpfMapType.ProgArray or BpfMapType.Ringbuf or BpfMapType.UserRingbuf);

    private static BpfMapFd CreateOrExplain(MapSpec map, MapCreateRequest request)
    {
        try
        {
            return BpfSyscall.MapCreate(request);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfLoadException($"map '{map.Name}' ({map.Type}, key {map.KeySize}, value {map.ValueSize}, max_entries {request.MaxEntries}, flags 0x{map.Flags:x}) could not be created: {e.Message}{Fix(map, request, e)}", e);
        }
    }

    /// <summary>
    /// Sizes an object leaves at 0 for its user to set before load (max_entries by CPU or pid count, value_size by stack
    /// depth) are the likely cause of EINVAL; a privileged EPERM is the kernel refusing the map type.
    /// </summary>
    private static string Fix(MapSpec map, MapCreateRequest request, BpfSyscallException e)
    {
        if (e.Errno == SyscallErrno.EINVAL)
        {
            var unset = new[] { ("MaxEntries", "max_entries", request.MaxEntries), ("ValueSize", "value_size", map.ValueSize), ("KeySize", "key_size", map.KeySize) }
                .Where(f => f.Item3 == 0 && !(f.Item1 == "KeySize" && map.Type is BpfMapType.Array or BpfMapType.PercpuArray or BpfMapType.Queue or BpfMapType.Stack or BpfMapType.Ringbuf or BpfMapType.UserRingbuf or BpfMapType.Arena or BpfMapType.BloomFilter)
                    && !(f.Item1 != "ValueSize" && map.Type is BpfMapType.CgroupStorage or BpfMapType.PercpuCgroupStorage or BpfMapType.SkStorage or BpfMapType.InodeStorage or BpfMapType.TaskStorage or BpfMapType.CgrpStorage))
                .ToList();
            if (unset.Count > 0)
                return $" The object declares {string.Join(" and ", unset.Select(f => $"{f.Item2} 0"))}, which its user is meant to set before load: " +
                    string.Join(", ", unset.Select(f => $"options.Map(\"{map.Name}\").{f.Item1} = N"));
        }
        if (KernelRefusal.Applies(e))
            return $" This process has CAP_BPF/CAP_SYS_ADMIN, so the kernel refuses this map type ({map.Type}) or its flags here, not the privilege";
        return "";
    }

    /// <summary>A map-in-map is created against a template of its inner maps, closed once the outer map exists.</summary>
    private static BpfMap CreateInner(MapSpec outer, MapSpec template)
    {
        var request = new MapCreateRequest(template.Type, (int)template.KeySize, (int)template.ValueSize, template.MaxEntries)
        {
            Flags = (BpfMapFlags)template.Flags, Name = BpfObjectName.ForKernel(outer.Name + ".inner"),
        };
        return new BpfMap(template.Name, CreateOrExplain(template, request), template);
    }

    /// <summary>An existing map (pinned at <paramref name="pinPath"/>, or given to <see cref="MapOptions.Reuse"/>) used for <paramref name="map"/> once it matches.</summary>
    private static BpfMap Reuse(MapSpec map, BpfMapFd fd, uint maxEntries, string? pinPath)
    {
        var existing = new BpfMap(map.Name, fd, map);
        try
        {
            var info = existing.Info;
            void Check(string field, object expected, object actual)
            {
                if (expected.Equals(actual))
                    return;
                if (pinPath is not null)
                    throw new BpfPinnedMapMismatchException(map.Name, pinPath, field, expected.ToString()!, actual.ToString()!);
                throw new BpfLoadException($"map '{map.Name}': the map given to options.Map(\"{map.Name}\").Reuse has {field} {actual}, but the object declares {expected}; " +
                    "reuse a map of the same definition, or change this one's settings to match");
            }
            Check("type", map.Type, info.Type);
            Check("key_size", (long)map.KeySize, (long)info.KeySize);
            Check("value_size", (long)map.ValueSize, (long)info.ValueSize);
            Check("max_entries", maxEntries, info.MaxEntries);
            Check("map_flags", $"0x{map.Flags:x}", $"0x{(uint)info.Flags:x}");
            return existing;
        }
        catch
        {
            existing.Dispose();
            throw;
        }
    }

    private void CreateDataMaps()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        Span<byte> key = stackalloc byte[4]; // key 0: the one element of a global-data map
        key.Clear();
        foreach (var data in spec.Kconfig is null ? spec.DataSections : spec.DataSections.Append(spec.Kconfig))
        {
            if (data.Size == 0)
                continue;
            var value = (byte[])data.InitialValue.Clone();
            if (data.Kind == DataSectionKind.Kconfig)
                FillKconfig(data, value);
            foreach (var v in data.Variables)
            {
                var bytes = options.Variables.GetValueOrDefault(v.Name) ?? LogLevelValue(data, v.Name);
                if (bytes is null)
                    continue;
                if (bytes.Length != v.Size)
                    throw new BpfLoadException($"variable '{v.Name}' in {data.Name} is {v.Size} bytes, but the value set for it is {bytes.Length} bytes; pass a value of the variable's type");
                bytes.CopyTo(value, v.Offset);
                used.Add(v.Name);
            }
            var readOnly = data.Kind is DataSectionKind.ReadOnly or DataSectionKind.Kconfig;
            var flags = BpfMapFlags.Mmapable | (readOnly ? BpfMapFlags.ReadOnlyProg : BpfMapFlags.None);
            var request = new MapCreateRequest(BpfMapType.Array, 4, (int)data.Size, 1) { Flags = flags, Name = BpfObjectName.ForKernel(data.Name) };
            // A keyless global-data map must be described by a DATASEC; a kernel without them gets no BTF here.
            if (_btfFd is not null && _btfHasDataSections && data.BtfTypeId is { } datasec)
            {
                request.Btf = _btfFd;
                request.BtfValueTypeId = (uint)datasec;
            }
            var spec1 = new MapSpec { Name = data.Name, Type = BpfMapType.Array, KeySize = 4, ValueSize = (uint)data.Size, MaxEntries = 1, Flags = (uint)flags };
            var map = Own(new BpfMap(data.Name, CreateOrExplain(spec1, request), spec1));
            map.Update(key, value);
            if (readOnly)
                map.Freeze();
            _maps[data.Name] = map;
            _dataMaps[data] = map;
        }
        foreach (var name in options.Variables.Keys)
            if (!used.Contains(name))
                throw new BpfLoadException($"{spec.Source} has no global variable '{name}' to set; it has: " +
                    string.Join(", ", spec.DataSections.SelectMany(d => d.Variables).Select(v => v.Name)));
    }

    /// <summary>Kconfig externs (usdt.bpf.h's LINUX_HAS_BPF_COOKIE, CONFIG_...): a weak one this kernel does not know stays 0.</summary>
    private void FillKconfig(DataSection data, byte[] value)
    {
        foreach (var v in data.Variables)
        {
            var type = v.BtfTypeId is { } id ? spec.Btf!.Skip(id) : new Object.Btf.BtfInt { Size = (uint)v.Size };
            if (KconfigValues.Value(v.Name, type, (int)v.Size) is { } bytes)
                bytes.CopyTo(value, v.Offset);
            else if (!v.IsStatic)
                throw new BpfLoadException($"{spec.Source} uses the Kconfig extern '{v.Name}', which this kernel does not define (no /proc/config.gz or /boot/config-RELEASE entry); declare it __weak to read 0 instead");
        }
    }

    /// <summary>The minimum level of programs' log lines, for the .rodata variable the compiler writes with them.</summary>
    private byte[]? LogLevelValue(DataSection data, string variable) =>
        options.MinimumLogLevel is { } level && data.Kind == DataSectionKind.ReadOnly && variable == Ebpf.Object.Logs.LogSiteTable.LevelVariable
            ? BitConverter.GetBytes((uint)level)
            : null;

    private void FillInitializers()
    {
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[4];
        foreach (var map in spec.Maps)
            foreach (var init in map.Initializers)
            {
                int fd;
                if (init.IsProgram)
                {
                    if (!_programs.TryGetValue(init.TargetName, out var program))
                    {
                        _warnings.Add($"slot {init.Index} of '{map.Name}' names program '{init.TargetName}', which was not loaded; the slot stays empty");
                        continue;
                    }
                    fd = program.Fd.Fd;
                }
                else
                {
                    if (spec.FindMap(init.TargetName) is null)
                        throw new BpfLoadException($"slot {init.Index} of map '{map.Name}' names '{init.TargetName}', which is not a map of {spec.Source}");
                    if (!_maps.TryGetValue(init.TargetName, out var target))
                    {
                        _warnings.Add($"slot {init.Index} of '{map.Name}' names map '{init.TargetName}', which was not created; the slot stays empty");
                        continue;
                    }
                    fd = target.Fd.Fd;
                }
                if (!_maps.ContainsKey(map.Name))
                    continue; // the outer map itself was not created
                BinaryPrimitives.WriteUInt32LittleEndian(key, init.Index);
                BinaryPrimitives.WriteInt32LittleEndian(value, fd);
                _maps[map.Name].Update(key, value);
            }
    }
}
