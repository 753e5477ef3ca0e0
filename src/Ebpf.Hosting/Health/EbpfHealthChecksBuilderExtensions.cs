using Ebpf.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

public static class EbpfHealthChecksBuilderExtensions
{
    /// <summary><c>services.AddHealthChecks().AddEbpf()</c>: reports hosted objects that failed and programs that are not attached.</summary>
    public static IHealthChecksBuilder AddEbpf(this IHealthChecksBuilder builder, string name = "ebpf", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, services => new EbpfHealthCheck(services.GetRequiredService<BpfObjects>()), failureStatus, tags));
    }
}
