using Ebpf.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>services.AddEbpf(...)</c>: objects loaded, attached and detached by a hosted service, their program logs on the host's
/// loggers, their events to handlers, their maps as metrics; <see cref="BpfObjects"/> gives the loaded objects.
/// </summary>
public static class EbpfServiceCollectionExtensions
{
    /// <summary>An object configured in code.</summary>
    public static EbpfBuilder AddEbpf(this IServiceCollection services, string name, Action<BpfObjectOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = Register(services, name);
        services.Configure(name, configure);
        return builder;
    }

    /// <summary>The object <c>dotnet build</c> embedded for the C# class <typeparamref name="TPrograms"/>, named after the class unless named here.</summary>
    public static EbpfBuilder AddEbpf<TPrograms>(this IServiceCollection services, string? name = null, Action<BpfObjectOptions>? configure = null)
    {
        var builder = Register(services, name ?? typeof(TPrograms).Name);
        services.Configure<BpfObjectOptions>(builder.Name, o =>
        {
            o.Type = typeof(TPrograms).AssemblyQualifiedName;
            configure?.Invoke(o);
        });
        return builder;
    }

    /// <summary>An object whose options are bound from <paramref name="section"/> (see <see cref="BpfObjectOptions"/>).</summary>
    public static EbpfBuilder AddEbpf(this IServiceCollection services, string name, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = Register(services, name);
        services.Configure<BpfObjectOptions>(name, section);
        return builder;
    }

    /// <summary>One object per child of <paramref name="section"/> (the child's key is the object's name), e.g. the "Ebpf" section.</summary>
    public static IReadOnlyList<EbpfBuilder> AddEbpf(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return [.. section.GetChildren().Select(child => services.AddEbpf(child.Key, child))];
    }

    private static EbpfBuilder Register(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var registrations = services.FirstOrDefault(d => d.ServiceType == typeof(EbpfRegistrations))?.ImplementationInstance as EbpfRegistrations;
        if (registrations is null)
        {
            registrations = new EbpfRegistrations();
            services.AddSingleton(registrations);
            services.AddOptions();
            services.TryAddSingleton<BpfObjects>();
            services.AddHostedService<EbpfHostedService>();
        }
        registrations.Add(name);
        return new EbpfBuilder(name, services, registrations);
    }
}
