using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Ebpf.Compiler.IL;
using Ebpf.Compiler.Metadata;
using Ebpf.Kernel;

namespace Ebpf.Compiler.Diagnostics;

/// <summary>
/// Constructs the kernel-side attributes of a program class the way the compiler will, so that an argument an attribute
/// refuses ([CgroupSkb((CgroupSkbDirection)7)], [TracePoint("sched", "")]) is a build error at the attribute instead of a
/// raw ArgumentException out of reflection. Reflection throws the constructor's exception as is, and wraps a property
/// setter's in CustomAttributeFormatException and TargetInvocationException.
/// </summary>
internal static class AttributeChecks
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Checks [License], [Map] and the program attributes; returns each program method with its attribute.</summary>
    public static IReadOnlyList<(MethodInfo Method, ProgramAttribute Attribute)> Check(AssemblyInput input, Type programs)
    {
        // The class's [License] wins over the assembly's, as in ProgramCompiler; only the one used is constructed there.
        if (Has<LicenseAttribute>(programs.GetCustomAttributesData()))
            Construct(() => programs.GetCustomAttribute<LicenseAttribute>(), () => ClassLocation(input, programs), programs.Name);
        else if (Has<LicenseAttribute>(programs.Assembly.GetCustomAttributesData()))
            Construct(() => programs.Assembly.GetCustomAttribute<LicenseAttribute>(), () => null, programs.Assembly.GetName().Name ?? "the assembly");

        foreach (var field in programs.GetFields(Declared))
            if (Has<MapAttribute>(field.GetCustomAttributesData()))
                Construct(() => field.GetCustomAttribute<MapAttribute>(), () => FieldLocation(input, programs, field), $"{programs.Name}.{field.Name}");

        var result = new List<(MethodInfo, ProgramAttribute)>();
        foreach (var method in programs.GetMethods(Declared))
        {
            var data = method.GetCustomAttributesData().Where(d => d.AttributeType.IsAssignableTo(typeof(ProgramAttribute))).ToList();
            if (data.Count == 0)
                continue;
            var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken);
            if (data.Count > 1)
                throw new CompilerException(
                    SourceScan.FindAbove(First(input, handle), SourceScan.Attribute(data[1].AttributeType)) ?? First(input, handle),
                    DiagnosticCodes.SeveralProgramAttributes,
                    $"{programs.Name}.{method.Name} has {string.Join(" and ", data.Select(d => $"[{ShortName(d.AttributeType)}]"))}; a method is one program " +
                    "of one kind, so keep one attribute, or write a method per kind that calls a shared static method");
            var attribute = Construct(() => (ProgramAttribute)method.GetCustomAttributes(data[0].AttributeType, inherit: false)[0],
                () => SourceScan.FindAbove(First(input, handle), SourceScan.Attribute(data[0].AttributeType)) ?? First(input, handle),
                $"{programs.Name}.{method.Name}");
            result.Add((method, attribute));
        }
        return result;
    }

    /// <summary>"CgroupSkb" for CgroupSkbAttribute: the name the user wrote.</summary>
    public static string ShortName(Type attribute) =>
        attribute.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attribute.Name[..^"Attribute".Length] : attribute.Name;

    /// <summary>The method's first sequence point: its opening brace, or the expression of an expression body.</summary>
    public static SourceLocation? First(AssemblyInput input, MethodDefinitionHandle method) =>
        input.SequencePoints(method) is [var (_, location), ..] ? location : null;

    private static bool Has<T>(IEnumerable<CustomAttributeData> data) => data.Any(d => d.AttributeType == typeof(T));

    private static T Construct<T>(Func<T?> construct, Func<SourceLocation?> location, string owner) where T : Attribute
    {
        T? attribute;
        try
        {
            attribute = construct();
        }
        catch (Exception e)
        {
            // Whatever the constructor or a setter throws is about the arguments the user wrote.
            throw new CompilerException(location(), DiagnosticCodes.InvalidAttributeArgument, $"{Text(Cause(e))} (on {owner})");
        }
        return attribute ?? throw new InvalidOperationException($"reflection found no {typeof(T).Name} on {owner} after the metadata listed one");
    }

    private static Exception Cause(Exception e)
    {
        while (e is TargetInvocationException or CustomAttributeFormatException && e.InnerException is { } inner)
            e = inner;
        return e;
    }

    /// <summary>The attribute's own sentence, without what ArgumentException appends for a debugger ("(Parameter 'x')", "Actual value was ...").</summary>
    private static string Text(Exception e)
    {
        var text = e.Message.Split('\n')[0].Trim();
        if (e is ArgumentException { ParamName: { } parameter })
            text = text.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal);
        return text;
    }

    /// <summary>A static field's initializer is a statement of the type initializer, which the PDB does locate.</summary>
    private static SourceLocation? FieldLocation(AssemblyInput input, Type programs, FieldInfo field)
    {
        if (programs.TypeInitializer is not { } cctor)
            return null;
        var handle = MetadataTokens.MethodDefinitionHandle(cctor.MetadataToken);
        var store = ILDecoder.Decode(input.GetIL(handle, out _), input.MethodName(handle))
            .FirstOrDefault(i => i.OpCode == ILOpCode.Stsfld && i.Token == field.MetadataToken);
        if (store.OpCode != ILOpCode.Stsfld)
            return null;
        var initializer = input.LocationOf(handle, store.Offset);
        return SourceScan.FindAbove(initializer, SourceScan.Attribute(typeof(MapAttribute))) ?? initializer;
    }

    /// <summary>The class's attributes sit above its first member, whose line the PDB gives.</summary>
    private static SourceLocation? ClassLocation(AssemblyInput input, Type programs)
    {
        var first = programs.GetMethods(Declared).Cast<MethodBase>().Concat(programs.GetConstructors(Declared))
            .Select(m => First(input, MetadataTokens.MethodDefinitionHandle(m.MetadataToken)))
            .OfType<SourceLocation>()
            .MinBy(l => l.Line);
        return SourceScan.FindAbove(first, SourceScan.Attribute(typeof(LicenseAttribute)), withinMember: false) ?? first;
    }
}
