using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CMLoRA.TestSupport.Progress;

/// <summary>
/// Stand-in jobs of the studio's Debug-only test hooks (/test-hooks/jobs): registered with an owner and a visibility,
/// and run by publishing Queued, Started, N steps and an outcome through the studio's real IJobEventSink.
/// </summary>
public static class StandInJobs
{
    public static async Task<Guid> CreateAsync(StudioSession owner, bool teamVisible)
    {
        using var response = await owner.Http.PostAsJsonAsync("/test-hooks/jobs", new { teamVisible });
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"test hooks refused ({(int)response.StatusCode}): {body} — is the studio a Debug build with Studio__TestHooks=true?");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("jobId").GetGuid();
    }

    /// <summary>Publishes the job's events; with <paramref name="fromStep"/>/<paramref name="untilStep"/> only that part of the run
    /// (Queued and Started with the part from step 1, the outcome with the part that reaches <paramref name="steps"/>).</summary>
    public static async Task RunAsync(StudioSession owner, Guid jobId, int steps, int intervalMs = 20, int previewEvery = 5, string outcome = "Finished",
        int fromStep = 1, int? untilStep = null)
    {
        using var response = await owner.Http.PostAsJsonAsync($"/test-hooks/jobs/{jobId}/run",
            new { steps, intervalMs, previewEvery, outcome, fromStep, untilStep });
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"run refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
    }
}
