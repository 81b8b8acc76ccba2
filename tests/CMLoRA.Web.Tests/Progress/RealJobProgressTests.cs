using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;
using CMLoRA.TestSupport.Progress;
using Microsoft.AspNetCore.SignalR;
using Xunit.Abstractions;

namespace CMLoRA.Web.Tests.Progress;

/// <summary>
/// The progress hub fed by the real generation worker (tiny reference model): who may watch a queued job, what a
/// bearer-token script receives, and 50 concurrent watchers of one 30-step job.
/// </summary>
[Collection(GenerationCollection.Name)]
public class RealJobProgressTests(GenerationFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("Bob", "Private", false)]
    [InlineData("Bob", "Team", true)]
    [InlineData("Admin", "Private", true)]
    [InlineData("Alice", "Private", true)]
    public async Task WatchingARealJobFollowsItsVisibilityAsync(string caller, string visibility, bool allowed)
    {
        Guid job = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 2, visibility: visibility));
        var session = caller switch { "Bob" => fixture.Bob, "Admin" => fixture.Admin, _ => fixture.Alice };
        await using var client = await ProgressClient.ConnectAsync(session);
        if (allowed) Assert.True(await client.WatchAsync(job));
        else
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => client.WatchAsync(job));
            Assert.Contains($"You may not watch job {job}: it does not exist or its owner has not shared it with the team.", refused.Message);
        }
        await JobClient.WaitAsync(fixture.Alice.Http, job, JobClient.IsFinal, Timeout, "an end");
    }

    [Fact]
    public async Task TestHooksAreAbsentUnlessEnabledAsync()
    {
        using var response = await fixture.Alice.Http.PostAsJsonAsync("/test-hooks/jobs", new { teamVisible = true });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AScriptWithAnApiTokenReceivesItsOwnJobsEventsAsync()
    {
        using var created = await fixture.Alice.Http.PostAsJsonAsync("/api/tokens", new { name = "progress script" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;

        await using var script = ProgressClient.WithToken(fixture.Studio.BaseAddress, secret);
        await script.StartAsync();
        using var bearer = fixture.BearerClient(secret);
        Guid job = await JobClient.SubmitAsync(bearer, JobClient.TinyRequest(steps: 3));

        var events = await script.WaitForEndAsync(job, Timeout);
        // A test before this one may have left another model loaded: then the default model is loaded first, which
        // the job reports right after it starts (ModelLoadingEventTests covers that event).
        var seen = events.SkipWhile(e => e is JobQueued).ToList();
        if (seen.Count > 1 && seen[1] is JobModelLoading) seen.RemoveAt(1);
        Assert.Equal(["JobStarted", "JobStep 1", "JobStep 2", "JobStep 3", "JobFinished"], seen.Select(ProgressHubAuthorizationTests.Describe));
        var finished = Assert.IsType<JobFinished>(events[^1]);
        var image = Assert.Single(finished.ImageIds);
        using var png = await bearer.GetAsync($"/api/images/{image}/png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal((64, 64), JobClient.PngSize(await png.Content.ReadAsByteArrayAsync()));
        Assert.NotNull(events.OfType<JobStep>().Last().PreviewPng); // the last step always carries a preview

        await using var forged = ProgressClient.WithToken(fixture.Studio.BaseAddress, secret + "x");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => forged.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task FiftyWatchersOfARealThirtyStepJobReceiveEveryStepInOrderAsync()
    {
        const int clients = 50, steps = 30;
        await using var owner = await ProgressClient.ConnectAsync(fixture.Alice);
        var watchers = new List<ProgressClient>();
        try
        {
            for (int i = 0; i < clients; i++)
                watchers.Add(ProgressClient.WithCookies(fixture.Studio.BaseAddress, (i % 2 == 0 ? fixture.Bob : fixture.Admin).Cookies));
            await Task.WhenAll(watchers.Select(w => w.StartAsync()));

            // A longer job first keeps the worker busy while the 50 watchers join the second one.
            Guid blocker = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 60, seed: 1));
            Guid job = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: steps, seed: 2, visibility: "Team"));
            Assert.All(await Task.WhenAll(watchers.Select(w => w.WatchAsync(job))), Assert.True);
            var state = await JobClient.GetAsync(fixture.Alice.Http, job);
            Assert.True(JobClient.Status(state) == "Queued", $"the job started before every watcher joined (make the blocker longer): {state}");

            string[] expected = ["JobStarted", .. Enumerable.Range(1, steps).Select(s => $"JobStep {s}"), "JobFinished"];
            var ownerEvents = await owner.WaitForEndAsync(job, Timeout);
            Assert.Equal(expected, ownerEvents.SkipWhile(e => e is JobQueued).Select(ProgressHubAuthorizationTests.Describe));
            Assert.IsType<JobQueued>(ownerEvents[0]); // the owner heard of the job from the moment it was queued

            var latencies = new List<double>();
            foreach (var watcher in watchers)
            {
                var events = await watcher.WaitForEndAsync(job, Timeout);
                Assert.Equal(expected, events.SkipWhile(e => e is JobQueued).Select(ProgressHubAuthorizationTests.Describe));
                Assert.Empty(watcher.EventsOf(blocker)); // private to Alice, never watched
                latencies.AddRange(events.OfType<JobStep>().Select(s => s.Latency!.Value.TotalMilliseconds));
            }

            latencies.Sort();
            double P(double q) => latencies[(int)Math.Ceiling(q * latencies.Count) - 1];
            var stepRate = ownerEvents.OfType<JobStep>().Last().StepsPerSecond;
            string line = $"progress hub, real tiny-model job: {clients} clients × {steps} steps = {latencies.Count} step events " +
                          $"({stepRate:F1} it/s), latency p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, max {latencies[^1]:F1} ms";
            output.WriteLine(line);
            File.AppendAllText(Path.Combine(RepoRoot.Artifacts("progress"), "latency.txt"), $"{DateTimeOffset.UtcNow:u} {line}{Environment.NewLine}");
            Assert.Equal(clients * steps, latencies.Count);
            Assert.True(P(0.5) < 500, line); // the median: see ProgressLoadTests on stalls of a shared machine
        }
        finally
        {
            await Task.WhenAll(watchers.Select(w => w.DisposeAsync().AsTask()));
        }
    }
}
