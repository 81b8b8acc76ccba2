using CMLoRA.TestSupport;
using CMLoRA.TestSupport.Progress;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

/// <summary>The JobProgress component on the "watch live" page follows a job: the bar advances, the preview changes, the end shows.</summary>
[Collection(BrowserCollection.Name)]
public class ProgressFlowTests(BrowserFixture fixture)
{
    [Fact]
    public async Task WatchLivePageShowsTheBarAdvanceAndThePreviewChangeAsync()
    {
        Guid job = await StandInJobs.CreateAsync(fixture.AdminApi, teamVisible: false);
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync($"/jobs/{job}/live");
            await Assertions.Expect(page.Locator("#circuit-status[data-connected='true']")).ToBeAttachedAsync();
            var text = page.GetByTestId("job-progress-text");
            await Assertions.Expect(text).ToHaveTextAsync("Waiting for the job's progress…");

            // 40 steps, 250 ms apart, a preview every 5: long enough for the page to be seen mid-way.
            await StandInJobs.RunAsync(fixture.AdminApi, job, steps: 40, intervalMs: 250, previewEvery: 5);
            var bar = page.GetByTestId("job-progress-bar");
            var preview = page.GetByTestId("job-progress-preview");
            await Assertions.Expect(preview).ToHaveAttributeAsync("data-step", "5");
            string firstPreview = await preview.GetAttributeAsync("src") ?? "";
            int earlyStep = int.Parse(await bar.GetAttributeAsync("data-step") ?? "0");
            await Assertions.Expect(text).ToContainTextAsync("of 40 ·");
            await Assertions.Expect(text).ToContainTextAsync("it/s");

            await Assertions.Expect(preview).ToHaveAttributeAsync("data-step", "20");
            int laterStep = int.Parse(await bar.GetAttributeAsync("data-step") ?? "0");
            Assert.True(laterStep > earlyStep, $"bar did not advance: {earlyStep} then {laterStep}");
            Assert.NotEqual(firstPreview, await preview.GetAttributeAsync("src"));
            Assert.StartsWith("data:image/png;base64,", firstPreview);

            await Assertions.Expect(text).ToHaveTextAsync("Finished", new() { Timeout = 60_000 });
            await Assertions.Expect(page.GetByTestId("job-progress")).ToHaveAttributeAsync("data-status", "Finished");
            await Assertions.Expect(bar).ToHaveAttributeAsync("data-step", "40");
            await BrowserFixture.ScreenshotAsync(page, "watch-live");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "watch-live-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task AnotherMembersPrivateJobIsNotShownAsync()
    {
        Guid job = await StandInJobs.CreateAsync(fixture.AdminApi, teamVisible: false);
        var member = await fixture.NewMemberContextAsync($"watcher{Guid.NewGuid():N}@studio.test", "Watcher");
        var page = await member.NewPageAsync();
        try
        {
            await page.GotoAsync($"/jobs/{job}/live");
            await Assertions.Expect(page.GetByTestId("job-progress-denied")).ToContainTextAsync("This job does not exist or its owner has not shared it with the team.");
            await Assertions.Expect(page.GetByTestId("job-progress-bar")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
