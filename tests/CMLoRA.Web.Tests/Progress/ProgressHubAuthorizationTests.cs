using System.Net;
using CMLoRA.TestSupport;
using CMLoRA.TestSupport.Progress;
using Microsoft.AspNetCore.SignalR;

namespace CMLoRA.Web.Tests.Progress;

/// <summary>Who may connect to /hubs/progress and watch which job, on the real studio with real SignalR clients.</summary>
[Collection(StudioCollection.Name)]
public class ProgressHubAuthorizationTests(StudioFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnonymousConnectionsAreRefusedAsync()
    {
        await using var anonymous = ProgressClient.WithCookies(fixture.Studio.BaseAddress, new CookieContainer());
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task ForgedCookieIsRefusedAsync()
    {
        var cookies = new CookieContainer();
        cookies.Add(fixture.Studio.BaseAddress, new Cookie("cmlora.auth", "CfDJ8forged"));
        await using var forged = ProgressClient.WithCookies(fixture.Studio.BaseAddress, cookies);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => forged.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("other member", false, false)]
    [InlineData("other member", true, true)]
    [InlineData("owner", false, true)]
    [InlineData("admin", false, true)]
    public async Task WatchFollowsTheJobsVisibilityAsync(string caller, bool teamVisible, bool allowed)
    {
        Guid job = await StandInJobs.CreateAsync(fixture.Alice, teamVisible);
        await using var client = await ProgressClient.ConnectAsync(fixture.As(caller));
        if (allowed)
        {
            Assert.True(await client.WatchAsync(job));
            return;
        }
        var refused = await Assert.ThrowsAsync<HubException>(() => client.WatchAsync(job));
        Assert.Contains($"You may not watch job {job}: it does not exist or its owner has not shared it with the team.", refused.Message);
    }

    [Fact]
    public async Task UnknownJobsAreRefusedWithTheSameWordsAsync()
    {
        var unknown = Guid.NewGuid();
        await using var client = await ProgressClient.ConnectAsync(fixture.Admin);
        var refused = await Assert.ThrowsAsync<HubException>(() => client.WatchAsync(unknown));
        Assert.Contains($"You may not watch job {unknown}: it does not exist or its owner has not shared it with the team.", refused.Message);
    }

    [Fact]
    public async Task EachConnectionGetsEveryEventOnceAndOnlyWhenEntitledAsync()
    {
        Guid job = await StandInJobs.CreateAsync(fixture.Alice, teamVisible: false);
        await using var owner = await ProgressClient.ConnectAsync(fixture.Alice);           // receives without asking
        await using var ownerWatching = await ProgressClient.ConnectAsync(fixture.Alice);   // asks anyway: still once
        await using var admin = await ProgressClient.ConnectAsync(fixture.Admin);
        await using var refusedMember = await ProgressClient.ConnectAsync(fixture.Bob);
        await using var unwatched = await ProgressClient.ConnectAsync(fixture.Admin);
        Assert.True(await ownerWatching.WatchAsync(job));
        Assert.True(await admin.WatchAsync(job));
        await Assert.ThrowsAsync<HubException>(() => refusedMember.WatchAsync(job));
        Assert.True(await unwatched.WatchAsync(job));
        await unwatched.UnwatchAsync(job);

        await StandInJobs.RunAsync(fixture.Alice, job, steps: 12, intervalMs: 5, previewEvery: 4);

        string[] expected = ["JobQueued", "JobStarted", .. Enumerable.Range(1, 12).Select(s => $"JobStep {s}"), "JobFinished"];
        foreach (var client in new[] { owner, ownerWatching, admin })
        {
            var events = await client.WaitForEndAsync(job, Timeout);
            Assert.Equal(expected, events.Select(Describe));
            Assert.All(events, e => Assert.Equal(fixture.AliceId, e.OwnerId));
            var previews = events.OfType<JobStep>().Where(s => s.PreviewPng != null).ToList();
            Assert.Equal([4, 8, 12], previews.Select(p => p.Step));
            Assert.All(previews, p => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, p.PreviewPng![..4]));
            Assert.NotEqual(previews[0].PreviewPng, previews[1].PreviewPng);
        }
        await Task.Delay(300); // anything misrouted would have arrived by now
        Assert.Empty(refusedMember.Received);
        Assert.Empty(unwatched.Received);
    }

    [Fact]
    public async Task TeamMembersSeeFailuresAndCancellationsOfWatchedJobsAsync()
    {
        Guid failing = await StandInJobs.CreateAsync(fixture.Alice, teamVisible: true);
        Guid cancelled = await StandInJobs.CreateAsync(fixture.Alice, teamVisible: true);
        await using var bob = await ProgressClient.ConnectAsync(fixture.Bob);
        Assert.True(await bob.WatchAsync(failing));
        Assert.True(await bob.WatchAsync(cancelled));
        await StandInJobs.RunAsync(fixture.Alice, failing, steps: 2, intervalMs: 0, outcome: "Failed");
        await StandInJobs.RunAsync(fixture.Alice, cancelled, steps: 2, intervalMs: 0, outcome: "Cancelled");

        var failed = Assert.IsType<JobFailed>((await bob.WaitForEndAsync(failing, Timeout))[^1]);
        Assert.Equal("stand-in failure", failed.Reason);
        Assert.IsType<JobCancelled>((await bob.WaitForEndAsync(cancelled, Timeout))[^1]);
    }

    internal static string Describe(JobEvent e) => e is JobStep step ? $"JobStep {step.Step}" : e.GetType().Name;
}
