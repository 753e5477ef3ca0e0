namespace Ebpf.Architecture.Tests.BadInputs;

/// <summary>Programs code using Loader: the direction that is allowed.</summary>
internal sealed class ProgramFixture
{
    public int Count(LoaderFixture loader) => loader.Call();
}
