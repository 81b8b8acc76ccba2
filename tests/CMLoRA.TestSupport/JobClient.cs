using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CMLoRA.TestSupport;

/// <summary>Submits generation jobs through the REST API and waits for them.</summary>
public static class JobClient
{
    /// <summary>A small request for the tiny model: 64×64, few steps.</summary>
    public static Dictionary<string, object?> TinyRequest(int steps = 4, int batch = 1, long seed = 42, string method = "none",
        IEnumerable<object>? loras = null, string visibility = "Private", string sampler = "euler") => new()
    {
        ["prompt"] = "a red cube on a table",
        ["negativePrompt"] = "blurry",
        ["loras"] = loras?.ToArray() ?? [],
        ["method"] = method,
        ["sampler"] = sampler,
        ["steps"] = steps,
        ["cfg"] = 5.0,
        ["width"] = 64,
        ["height"] = 64,
        ["seed"] = seed,
        ["batchCount"] = batch,
        ["visibility"] = visibility,
    };

    /// <summary>POSTs to /api/jobs and returns the job id; throws with the studio's answer when refused.</summary>
    public static async Task<Guid> SubmitAsync(HttpClient http, object request)
    {
        using var response = await http.PostAsJsonAsync("/api/jobs", request);
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"submit refused ({(int)response.StatusCode}): {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetAsync(HttpClient http, Guid id)
    {
        using var response = await http.GetAsync($"/api/jobs/{id}");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    /// <summary>Polls the job until <paramref name="until"/> holds; fails with the last state after <paramref name="timeout"/>.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient http, Guid id, Func<JsonElement, bool> until, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(180));
        JsonElement last;
        do
        {
            last = await GetAsync(http, id);
            if (until(last)) return last;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"job {id} did not reach {what ?? "the expected state"}: {last}");
    }

    public static string Status(JsonElement job) => job.GetProperty("status").GetString()!;

    public static bool IsFinal(JsonElement job) => Status(job) is "Finished" or "Failed" or "Cancelled";

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("not a PNG");
        int Read(int offset) => (png[offset] << 24) | (png[offset + 1] << 16) | (png[offset + 2] << 8) | png[offset + 3];
        return (Read(16), Read(20));
    }
}
