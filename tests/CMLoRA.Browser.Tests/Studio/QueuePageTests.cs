using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>The queue page: owners see and cancel their jobs, other members cannot cancel them, admins reorder.</summary>
[Collection(GenerationBrowserCollection.Name)]
public class QueuePageTests(GenerationBrowserFixture fixture)
{
    /// <summary>Cancelling a waiting job is one database update: the API shows it at once (this only allows for a loaded machine).</summary>
    private static readonly TimeSpan QueuedCancelTakesEffect = TimeSpan.FromSeconds(15);

    /// <summary>A cancelled job held at the worker gate ends as soon as the worker sees the cancel (allowing for a loaded machine).</summary>
    private static readonly TimeSpan RunningCancelTakesEffect = TimeSpan.FromSeconds(60);

    /// <summary>The running job: 20 steps, held by the worker gate after step <see cref="HeldAt"/> until the test ends, so the
    /// queue looks the same however fast or loaded the machine is.</summary>
    private const int LongSteps = 20, HeldAt = 2;

    [Fact]
    public async Task OwnerCancelsOwnJobAdminMovesAJobUpOthersCannotCancelAsync()
    {
        await fixture.AdminApi.CreateAccountAsync("quinn@studio.test", "Quinn");
        var quinn = await fixture.ApiAsync("quinn@studio.test");
        // A job held at the worker gate keeps the worker busy while the page is used; the others wait behind it.
        await WorkerGate.HoldAsync(fixture.AdminApi, HeldAt);
        Guid running = await JobClient.SubmitAsync(quinn.Http, JobClient.TinyRequest(steps: LongSteps, seed: 1));
        await WorkerGate.WaitHeldAsync(fixture.AdminApi, running);
        Guid second = await JobClient.SubmitAsync(quinn.Http, JobClient.TinyRequest(steps: 2, seed: 2));
        Guid third = await JobClient.SubmitAsync(quinn.Http, JobClient.TinyRequest(steps: 2, seed: 3));
        Guid fourth = await JobClient.SubmitAsync(quinn.Http, JobClient.TinyRequest(steps: 2, seed: 4));

        var quinnPage = await (await fixture.SignedInContextAsync("quinn@studio.test")).NewPageAsync();
        var rosaPage = await (await fixture.NewMemberAsync("rosa@studio.test", "Rosa")).NewPageAsync();
        var adminPage = await (await fixture.SignedInContextAsync(TestAccounts.AdminEmail)).NewPageAsync();
        try
        {
            await quinnPage.GotoAsync("/queue");
            var table = quinnPage.Locator("#queue-table");
            await Assertions.Expect(table).ToContainTextAsync("running");
            await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(4);
            await Assertions.Expect(table).ToContainTextAsync("Quinn (you)");

            // Another member sees the line but no cancel button.
            await rosaPage.GotoAsync("/queue");
            await Assertions.Expect(rosaPage.Locator("#queue-table tbody tr")).ToHaveCountAsync(4);
            await Assertions.Expect(rosaPage.GetByLabel("Cancel job 1")).ToHaveCountAsync(0);
            await Assertions.Expect(rosaPage.GetByLabel("Move job 2 up")).ToHaveCountAsync(0);

            // The owner cancels the last waiting job. (The page was prerendered: its buttons are enabled only once it runs over the
            // circuit, so the click cannot land on the static HTML and be lost; Playwright waits for the enabled button.)
            await quinnPage.GetByLabel("Cancel job 3").ClickAsync();
            await JobClient.WaitAsync(quinn.Http, fourth, j => JobClient.Status(j) == "Cancelled", QueuedCancelTakesEffect, "cancelled");
            await Assertions.Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);

            // An admin moves the third job in front of the second.
            await adminPage.GotoAsync("/queue");
            await adminPage.GetByLabel("Move job 2 up").ClickAsync();
            await JobClient.WaitAsync(quinn.Http, third, j => j.GetProperty("position").ValueKind == System.Text.Json.JsonValueKind.Number
                                                              && j.GetProperty("position").GetInt32() == 1, QueuedCancelTakesEffect, "position 1");
            var secondNow = await JobClient.GetAsync(quinn.Http, second);
            Assert.Equal(2, secondNow.GetProperty("position").GetInt32());
            await BrowserFixture.ScreenshotAsync(adminPage, "queue-admin");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(adminPage, "queue-admin-failure");
            await BrowserFixture.ScreenshotAsync(quinnPage, "queue-owner-failure");
            throw;
        }
        finally
        {
            foreach (var id in new[] { running, second, third, fourth })
                using (await quinn.Http.DeleteAsync($"/api/jobs/{id}")) { }
            await WorkerGate.ReleaseAsync(fixture.AdminApi);
            await JobClient.WaitAsync(quinn.Http, running, JobClient.IsFinal, RunningCancelTakesEffect);
            await quinnPage.CloseAsync();
            await rosaPage.CloseAsync();
            await adminPage.CloseAsync();
        }
    }

    [Fact]
    public async Task QueueButtonsWaitForTheCircuitAndCancellingARunningJobStopsItAsync()
    {
        await fixture.AdminApi.CreateAccountAsync("uma@studio.test", "Uma");
        var uma = await fixture.ApiAsync("uma@studio.test");
        await WorkerGate.HoldAsync(fixture.AdminApi, HeldAt);
        Guid job = await JobClient.SubmitAsync(uma.Http, JobClient.TinyRequest(steps: LongSteps, seed: 5));
        int heldAt = await WorkerGate.WaitHeldAsync(fixture.AdminApi, job);
        var page = await (await fixture.SignedInContextAsync("uma@studio.test")).NewPageAsync();
        try
        {
            // Without its SignalR circuit the page is only the prerendered HTML, where a click reaches nothing: the button says so.
            await page.RouteAsync("**/_blazor/**", route => route.AbortAsync());
            await page.GotoAsync("/queue");
            var cancel = page.GetByLabel("Cancel job 0");
            await Assertions.Expect(cancel).ToBeVisibleAsync();
            await Assertions.Expect(cancel).ToBeDisabledAsync();
            await Assertions.Expect(page.Locator("#circuit-status")).ToHaveCountAsync(0);

            await page.UnrouteAllAsync();
            await page.ReloadAsync();
            await cancel.ClickAsync();
            var cancelled = await JobClient.WaitAsync(uma.Http, job, JobClient.IsFinal, RunningCancelTakesEffect, "stopped");
            Assert.Equal("Cancelled", JobClient.Status(cancelled));
            Assert.Equal(heldAt, cancelled.GetProperty("step").GetInt32());
            await Assertions.Expect(cancel).ToHaveCountAsync(0);
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "queue-circuit-failure");
            throw;
        }
        finally
        {
            using (await uma.Http.DeleteAsync($"/api/jobs/{job}")) { }
            await WorkerGate.ReleaseAsync(fixture.AdminApi);
            await JobClient.WaitAsync(uma.Http, job, JobClient.IsFinal, RunningCancelTakesEffect);
            await page.CloseAsync();
        }
    }
}
