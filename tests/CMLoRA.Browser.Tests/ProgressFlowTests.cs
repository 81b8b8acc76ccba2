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

            // 40 steps with a preview every 5, published in three parts: the test looks at the page between parts, so what it
            // sees does not depend on how quickly a loaded machine renders (a fixed-interval run once outpaced the page).
            await StandInJobs.RunAsync(fixture.AdminApi, job, steps: 40, intervalMs: 50, previewEvery: 5, untilStep: 5);
            var bar = page.GetByTestId("job-progress-bar");
            var preview = page.GetByTestId("job-progress-preview");
            await Assertions.Expect(bar).ToHaveAttributeAsync("data-step", "5");
            await Assertions.Expect(preview).ToHaveAttributeAsync("data-step", "5");
            string firstPreview = await preview.GetAttributeAsync("src") ?? "";
            await Assertions.Expect(text).ToContainTextAsync("5 of 40 ·");
            await Assertions.Expect(text).ToContainTextAsync("it/s");
            Assert.StartsWith("data:image/png;base64,", firstPreview);

            await StandInJobs.RunAsync(fixture.AdminApi, job, steps: 40, intervalMs: 50, previewEvery: 5, fromStep: 6, untilStep: 20);
            await Assertions.Expect(bar).ToHaveAttributeAsync("data-step", "20");
            await Assertions.Expect(preview).ToHaveAttributeAsync("data-step", "20");
            Assert.NotEqual(firstPreview, await preview.GetAttributeAsync("src"));
            await Assertions.Expect(page.GetByTestId("job-progress")).Not.ToHaveAttributeAsync("data-status", "Finished");

            await StandInJobs.RunAsync(fixture.AdminApi, job, steps: 40, intervalMs: 20, previewEvery: 5, fromStep: 21);
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
