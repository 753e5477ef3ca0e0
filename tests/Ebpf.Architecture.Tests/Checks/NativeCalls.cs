using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Ebpf.Architecture.Tests;

/// <summary>
/// Ways an assembly can call native code itself: P/Invoke methods (DllImport, and the stubs LibraryImport generates,
/// both rows of the ImplMap table with PinvokeImpl set) and NativeLibrary, which loads and resolves native code by hand.
/// </summary>
internal static class NativeCalls
{
    public static IReadOnlyList<string> In(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var found = new List<string>();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if ((method.Attributes & MethodAttributes.PinvokeImpl) == 0) continue;
                var import = method.GetImport();
                string module = import.Module.IsNil ? "?" : md.GetString(md.GetModuleReference(import.Module).Name);
                found.Add($"{Names.Of(md, typeHandle)}.{md.GetString(method.Name)} imports {md.GetString(import.Name)} from {module}");
            }
        }
        foreach (var refHandle in md.TypeReferences)
        {
            var reference = md.GetTypeReference(refHandle);
            if (md.GetString(reference.Namespace) == "System.Runtime.InteropServices" && md.GetString(reference.Name) == "NativeLibrary")
                found.Add("uses System.Runtime.InteropServices.NativeLibrary");
        }
        return found;
    }
}
