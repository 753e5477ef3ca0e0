namespace Ebpf.Object.Sections;

/// <summary>Which spellings <see cref="SectionTable"/> accepts.</summary>
public enum SectionNameMode
{
    /// <summary>libbpf 1.x and current Aya: exact names and "name/target" forms only.</summary>
    Strict,

    /// <summary>
    /// Also what older tools wrote: libbpf 0.x plain-prefix matches (<c>xdp_foo</c>, <c>socket1</c>),
    /// <c>xdp_devmap/</c> and <c>xdp_cpumap/</c>, and Aya 0.11's "kind/program_name" (<c>xdp/my_prog</c>).
    /// Tried only after the strict rules found nothing, so it never changes what a strict name means.
    /// </summary>
    Legacy,
}
