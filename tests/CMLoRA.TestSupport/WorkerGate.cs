using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CMLoRA.TestSupport;

/// <summary>
/// The studio's Debug-only worker gate (/test-hooks/worker, Studio__TestHooks=true): holds real jobs at a sampler step
/// so a test can use a running job for as long as it needs, whatever the machine's speed. Always release it in a finally.
/// </summary>
public static class WorkerGate
{
    public static async Task HoldAsync(StudioSession session, int atStep)
    {
        using var response = await session.Http.PostAsJsonAsync("/test-hooks/worker/hold", new { atStep });
        await EnsureAsync(response);
    }

    public static async Task ReleaseAsync(StudioSession session)
    {
        using var response = await session.Http.PostAsync("/test-hooks/worker/release", null);
        await EnsureAsync(response);
    }

    /// <summary>Waits until <paramref name="jobId"/> is held at the gate and returns the step it is held at.</summary>
    public static async Task<int> WaitHeldAsync(StudioSession session, Guid jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await session.Http.GetAsync("/test-hooks/worker");
            last = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"worker gate refused ({(int)response.StatusCode}): {last}");
            using var json = JsonDocument.Parse(last);
            var held = json.RootElement.GetProperty("heldJob");
            if (held.ValueKind == JsonValueKind.String && held.GetGuid() == jobId)
                return json.RootElement.GetProperty("heldStep").GetInt32();
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {jobId} was not held at the worker gate; last state {last}");
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"worker gate refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()} — is the studio a Debug build with Studio__TestHooks=true?");
    }
}
