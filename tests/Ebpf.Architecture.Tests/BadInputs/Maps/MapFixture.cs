namespace Ebpf.Architecture.Tests.BadInputs;

internal sealed class MapFixture
{
    public int Value = 1;
    public static MapFixture Create() => new();
}

internal sealed class MapFixtureException : Exception;

internal enum MapFixtureKind { Hash, Array }
