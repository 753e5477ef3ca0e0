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
    private readonly ObjectPlan _plan = ObjectPlan.For(spec);
    private BpfBtfFd? _btfFd;
    private bool _btfHasFunctions;
    private bool _btfHasDataSections;
    private StructOpsLoading? _structOps;

    public BpfObject Load()
    {
        try
        {
            LoadBtf();
            if (spec.Maps.Any(m => m.StructOps is not null))
                _structOps = new StructOpsLoading(spec.Maps, spec.Source);
            foreach (var map in spec.Maps)
                _maps[map.Name] = Own(CreateMap(map));
            CreateDataMaps();
            // func_info and line_info name FUNC types: a kernel without them gets neither.
            var programs = new ProgramLoader(spec, _plan, options, _btfHasFunctions ? _btfFd : null, _maps, _dataMaps)
            {
                StructOps = _structOps?.Programs,
            };
            foreach (var program in SelectedPrograms())
                _programs[program.Name] = Own(programs.Load(program));
            FillInitializers();
            foreach (var map in spec.Maps)
                if (map.StructOps is { } ops)
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
            _btfFd = Own(Bpf.BtfLoad(BtfSupport.BtfSanitizer.Sanitize(btf.Bytes, features), 0, Path.GetFileName(spec.Source)));
        }
        catch (BpfSyscallException e)
        {
            // As libbpf does: a kernel that refuses the BTF still gets the maps and programs, without type information.
            _warnings.Add($"the kernel refused the object's BTF, so maps and programs load without it: {e.Message}");
        }
    }

    private IReadOnlyList<Object.Programs.ProgramSpec> SelectedPrograms()
    {
        if (options.Programs is null)
            return spec.Programs;
        foreach (var name in options.Programs)
            if (!spec.Programs.Any(p => p.Name == name))
                throw new BpfLoadException($"{spec.Source} has no program '{name}' to load; it has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
        return [.. spec.Programs.Where(p => options.Programs.Contains(p.Name))];
    }

    /// <summary>The kernel keeps 15 characters of a name, from [A-Za-z0-9_.].</summary>
    internal static string KernelName(string name)
    {
        var valid = 0;
        foreach (var c in name)
        {
            if (!IsKernelNameChar(c))
            {
                valid = -1;
                break;
            }
            valid++;
        }
        if (valid >= 0 && valid <= 15)
            return name; // the common case: already a kernel name
        Span<char> chars = stackalloc char[15];
        var n = 0;
        foreach (var c in name)
            if (IsKernelNameChar(c))
            {
                chars[n++] = c;
                if (n == chars.Length)
                    break;
            }
        return new string(chars[..n]);
    }

    private static bool IsKernelNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';

    private BpfMap CreateMap(MapSpec map)
    {
        var maxEntries = options.MaxEntries.TryGetValue(map.Name, out var m) ? m : map.MaxEntries;
        if (map.Type == BpfMapType.PerfEventArray && maxEntries == 0)
            maxEntries = (uint)PossibleCpus.Count;
        string? pinPath = null;
        if (map.Pinning == MapPinning.ByName && options.PinDirectory is { } dir)
        {
            pinPath = Path.Combine(dir, map.Name);
            if (File.Exists(pinPath))
                return ReusePinned(map, pinPath, maxEntries);
        }

        if (map.StructOps is not null)
            return new BpfMap(map.Name, CreateOrExplain(map, _structOps!.CreateRequest(map, _btfFd)), map);
        using var inner = map.InnerMap is { } template ? CreateInner(map, template) : null;
        var request = new MapCreateRequest(map.Type, (int)map.KeySize, (int)map.ValueSize, maxEntries)
        {
            Flags = (BpfMapFlags)map.Flags, Name = KernelName(map.Name), NumaNode = map.NumaNode, MapExtra = map.MapExtra,
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
                fd = Bpf.MapCreate(withBtf);
            }
            catch (BpfSyscallException e) when (e.ErrnoName is "EINVAL" or "ENOTSUPP" or "EOPNOTSUPP")
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
        if (pinPath is not null)
        {
            try
            {
                created.Pin(pinPath);
            }
            catch
            {
                created.Dispose();
                throw;
            }
        }
        return created;
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
            return Bpf.MapCreate(request);
        }
        catch (BpfSyscallException e)
        {
            throw new BpfLoadException($"map '{map.Name}' ({map.Type}, key {map.KeySize}, value {map.ValueSize}, max_entries {request.MaxEntries}, flags 0x{map.Flags:x}) could not be created: {e.Message}", e);
        }
    }

    /// <summary>A map-in-map is created against a template of its inner maps, closed once the outer map exists.</summary>
    private static BpfMap CreateInner(MapSpec outer, MapSpec template)
    {
        var request = new MapCreateRequest(template.Type, (int)template.KeySize, (int)template.ValueSize, template.MaxEntries)
        {
            Flags = (BpfMapFlags)template.Flags, Name = KernelName(outer.Name + ".inner"),
        };
        return new BpfMap(template.Name, CreateOrExplain(template, request), template);
    }

    private static BpfMap ReusePinned(MapSpec map, string path, uint maxEntries)
    {
        var pinned = BpfMap.OpenPinned(path);
        try
        {
            var info = pinned.Info;
            void Check(string field, object expected, object actual)
            {
                if (!expected.Equals(actual))
                    throw new BpfPinnedMapMismatchException(map.Name, path, field, expected.ToString()!, actual.ToString()!);
            }
            Check("type", map.Type, info.Type);
            Check("key_size", (long)map.KeySize, (long)info.KeySize);
            Check("value_size", (long)map.ValueSize, (long)info.ValueSize);
            Check("max_entries", maxEntries, info.MaxEntries);
            Check("map_flags", $"0x{map.Flags:x}", $"0x{(uint)info.Flags:x}");
            return new BpfMap(map.Name, pinned.Fd, map);
        }
        catch
        {
            pinned.Dispose();
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
            var request = new MapCreateRequest(BpfMapType.Array, 4, (int)data.Size, 1) { Flags = flags, Name = KernelName(data.Name) };
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
            if (KconfigValues.Value(v.Name, (int)v.Size) is { } bytes)
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
                    fd = (_maps.GetValueOrDefault(init.TargetName)
                        ?? throw new BpfLoadException($"slot {init.Index} of map '{map.Name}' names '{init.TargetName}', which is not a map of {spec.Source}")).Fd.Fd;
                }
                BinaryPrimitives.WriteUInt32LittleEndian(key, init.Index);
                BinaryPrimitives.WriteInt32LittleEndian(value, fd);
                _maps[map.Name].Update(key, value);
            }
    }
}
