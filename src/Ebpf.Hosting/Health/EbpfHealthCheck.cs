using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ebpf.Hosting;

/// <summary>
/// Healthy while every hosted object is loaded and every configured program attached; unhealthy, naming each, when an
/// object failed to load, a program failed to attach, or a link lost its target (cgroup removed, interface gone, link
/// detached by someone else). The data holds one entry per object and attachment.
/// </summary>
public sealed class EbpfHealthCheck(BpfObjects objects) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        var attached = 0;
        foreach (var hosted in objects)
        {
            if (hosted.Object is null)
            {
                var why = hosted.Error is { } e ? $"failed to load: {e.Message}" : "not loaded (the host has not started, or has stopped)";
                data[hosted.Name] = why;
                problems.Add($"ebpf object '{hosted.Name}' {why}");
                continue;
            }
            data[hosted.Name] = "loaded";
            foreach (var attachment in hosted.Attachments)
            {
                var key = $"{hosted.Name}: {attachment}";
                if (attachment.Problem() is { } problem)
                {
                    data[key] = problem;
                    problems.Add($"{key}: {problem}");
                }
                else
                {
                    data[key] = "attached";
                    attached++;
                }
            }
        }
        var result = problems.Count == 0
            ? HealthCheckResult.Healthy($"{objects.Count} ebpf object(s) loaded, {attached} program attachment(s) attached", data)
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data);
        return Task.FromResult(result);
    }
}
