using CMLoRA.TestSupport;
using CMLoRA.TestSupport.Progress;
using Xunit.Abstractions;

namespace CMLoRA.Web.Tests.Progress;

/// <summary>50 concurrent hub clients watching one job on loopback receive every step event, in order.</summary>
[Collection(StudioCollection.Name)]
public class ProgressLoadTests(StudioFixture fixture, ITestOutputHelper output)
{
    public const int Clients = 50;
    public const int Steps = 30;

    [Fact]
    public async Task FiftyWatchersReceiveEveryStepInOrderAsync()
    {
        Guid job = await StandInJobs.CreateAsync(fixture.Alice, teamVisible: true);
        var watchers = new List<ProgressClient>();
        try
        {
            // Bob's and the admin's sign-ins, 25 connections each (each connection is its own hub client).
            for (int i = 0; i < Clients; i++)
                watchers.Add(ProgressClient.WithCookies(fixture.Studio.BaseAddress, (i % 2 == 0 ? fixture.Bob : fixture.Admin).Cookies));
            await Task.WhenAll(watchers.Select(w => w.StartAsync()));
            Assert.All(await Task.WhenAll(watchers.Select(w => w.WatchAsync(job))), Assert.True);

            await StandInJobs.RunAsync(fixture.Alice, job, Steps, intervalMs: 50, previewEvery: 5);

            var latencies = new List<double>();
            string[] expected = ["JobQueued", "JobStarted", .. Enumerable.Range(1, Steps).Select(s => $"JobStep {s}"), "JobFinished"];
            foreach (var watcher in watchers)
            {
                var events = await watcher.WaitForEndAsync(job, TimeSpan.FromSeconds(120));
                Assert.Equal(expected, events.Select(ProgressHubAuthorizationTests.Describe));
                latencies.AddRange(events.OfType<JobStep>().Select(s => s.Latency!.Value.TotalMilliseconds));
            }

            latencies.Sort();
            double p50 = Percentile(latencies, 0.50), p95 = Percentile(latencies, 0.95), max = latencies[^1];
            string line = $"progress hub: {Clients} clients × {Steps} steps = {latencies.Count} step events, latency p50 {p50:F1} ms, p95 {p95:F1} ms, max {max:F1} ms";
            output.WriteLine(line);
            File.AppendAllText(Path.Combine(RepoRoot.Artifacts("progress"), "latency.txt"), $"{DateTimeOffset.UtcNow:u} {line}{Environment.NewLine}");
            Assert.Equal(Clients * Steps, latencies.Count);
            Assert.All(latencies, l => Assert.True(l >= 0, $"negative latency {l} ms"));
            Assert.True(p95 < 1000, line); // a loopback push that takes a second is broken, however loaded the machine
        }
        finally
        {
            await Task.WhenAll(watchers.Select(w => w.DisposeAsync().AsTask()));
        }
    }

    private static double Percentile(List<double> sorted, double q) => sorted[(int)Math.Ceiling(q * sorted.Count) - 1];
}
