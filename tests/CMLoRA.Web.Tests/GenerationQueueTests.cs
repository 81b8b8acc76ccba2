using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>The live queue: fair order behind a running job, admin reorder, who may cancel what; and the OpenAPI document.</summary>
[Collection(GenerationCollection.Name)]
public class GenerationQueueTests(GenerationFixture fixture)
{
    private async Task<List<JsonElement>> QueueAsync(StudioSession session)
    {
        using var json = JsonDocument.Parse(await session.Http.GetStringAsync("/api/jobs"));
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static string Order(IEnumerable<JsonElement> lines, IReadOnlyDictionary<Guid, string> names) =>
        string.Join(" ", lines.Select(l => $"{l.GetProperty("position").GetInt32()}:{names.GetValueOrDefault(l.GetProperty("id").GetGuid(), "?")}"));

    [Fact]
    public async Task FairOrderBehindARunningJobAdminReorderAndCancelRightsAsync()
    {
        Guid running = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 150, batch: 16));
        await JobClient.WaitAsync(fixture.Alice.Http, running, j => JobClient.Status(j) == "Running" && j.GetProperty("step").GetInt32() >= 1, what: "running");
        try
        {
            Guid a2 = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 1));
            Guid a3 = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 1));
            Guid b1 = await JobClient.SubmitAsync(fixture.Bob.Http, JobClient.TinyRequest(steps: 1, visibility: "Team"));
            var names = new Dictionary<Guid, string> { [running] = "L", [a2] = "A2", [a3] = "A3", [b1] = "B1" };

            // Alice is being served, so Bob's later job goes before her older waiting ones.
            var queue = await QueueAsync(fixture.Alice);
            Assert.Equal("0:L 1:B1 2:A2 3:A3", Order(queue, names));
            var bobLine = queue[1];
            Assert.Equal("Bob", bobLine.GetProperty("ownerName").GetString());
            Assert.False(bobLine.GetProperty("isMine").GetBoolean());
            Assert.Equal("None", bobLine.GetProperty("method").GetString());
            Assert.True(bobLine.GetProperty("etaSeconds").GetDouble() > 0);
            Assert.True(queue[0].GetProperty("progress").GetDouble() > 0);
            Assert.Equal(2, (await JobClient.GetAsync(fixture.Alice.Http, a2)).GetProperty("position").GetInt32());

            using (var reorder = await fixture.Admin.Http.PostAsJsonAsync("/api/jobs/reorder", new { jobIds = new[] { a3 } }))
            {
                Assert.Equal(HttpStatusCode.OK, reorder.StatusCode);
                using var lines = JsonDocument.Parse(await reorder.Content.ReadAsStringAsync());
                Assert.Equal("0:L 1:A3 2:B1 3:A2", Order(lines.RootElement.EnumerateArray(), names));
            }
            using (var bad = await fixture.Admin.Http.PostAsJsonAsync("/api/jobs/reorder", new { jobIds = new[] { running } }))
                Assert.Contains($"Job {running} is not waiting in the queue.", await bad.Content.ReadAsStringAsync());

            // Bob cannot see Alice's private job; Alice can see Bob's team job but not cancel it; admins cancel anything.
            using (var hidden = await fixture.Bob.Http.DeleteAsync($"/api/jobs/{a2}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            using (var notHers = await fixture.Alice.Http.DeleteAsync($"/api/jobs/{b1}")) Assert.Equal(HttpStatusCode.Forbidden, notHers.StatusCode);
            using (var admin = await fixture.Admin.Http.DeleteAsync($"/api/jobs/{a2}")) Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
            Assert.Equal("Cancelled", JobClient.Status(await JobClient.GetAsync(fixture.Alice.Http, a2)));
            using (var own = await fixture.Bob.Http.DeleteAsync($"/api/jobs/{b1}")) Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            using (var own = await fixture.Alice.Http.DeleteAsync($"/api/jobs/{a3}")) Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("0:L", Order(await QueueAsync(fixture.Bob), names));
        }
        finally
        {
            using var stop = await fixture.Admin.Http.DeleteAsync($"/api/jobs/{running}");
            await JobClient.WaitAsync(fixture.Alice.Http, running, JobClient.IsFinal, TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task OpenApiDocumentListsTheGenerationEndpointsAsync()
    {
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        using (var denied = await anonymous.Http.GetAsync("/openapi/v1.json")) Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
        using var json = JsonDocument.Parse(await fixture.Alice.Http.GetStringAsync("/openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/api/jobs", "/api/jobs/{id}", "/api/jobs/reorder", "/api/images", "/api/images/{id}", "/api/images/{id}/png", "/api/images/import", "/api/models", "/api/tokens", "/api/loras" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        Assert.True(paths.GetProperty("/api/jobs").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/images/{id}").TryGetProperty("patch", out _));
    }
}
