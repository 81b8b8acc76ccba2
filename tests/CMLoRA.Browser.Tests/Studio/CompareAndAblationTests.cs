using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>
/// A history image beside images of the same seed made with other compositions, and its one-click ablation grid filling in,
/// with the real engine and the tiny model (64×64, four steps).
/// </summary>
[Collection(GenerationBrowserCollection.Name)]
public class CompareAndAblationTests(GenerationBrowserFixture fixture)
{
    /// <summary>Six four-step 64×64 jobs of the tiny model, one after the other, on a loaded two-core machine.</summary>
    private const float AblationJobsTimeoutMs = 150_000;

    private object[] TwoLoras => [new { loraId = fixture.LoraAId, weight = 1.0 }, new { loraId = fixture.LoraBId, weight = 0.8 }];

    [Fact]
    public async Task TheDetailPageShowsImagesOfTheSameSeedWithOtherMethodsSideBySideAsync()
    {
        const string email = "carla@studio.test";
        await fixture.AdminApi.CreateAccountAsync(email, "Carla");
        var api = await fixture.ApiAsync(email);
        Guid cmlora = await GenerateAsync(api, JobClient.TinyRequest(steps: 4, seed: 4242, method: "cmlora", loras: TwoLoras));
        Guid composite = await GenerateAsync(api, JobClient.TinyRequest(steps: 4, seed: 4242, method: "composite", loras: TwoLoras));
        Guid baseModel = await GenerateAsync(api, JobClient.TinyRequest(steps: 4, seed: 4242, method: "none"));
        // Another seed is not the same image under another composition: it is not offered.
        Guid otherSeed = await GenerateAsync(api, JobClient.TinyRequest(steps: 4, seed: 4243, method: "composite", loras: TwoLoras));

        var page = await (await fixture.SignedInContextAsync(email)).NewPageAsync();
        try
        {
            await page.GotoAsync($"/history/{cmlora}");
            await BrowserFlows.WaitForCircuitAsync(page);
            var compare = page.Locator("#compare");
            var choices = compare.Locator("[data-compare]");
            await Assertions.Expect(choices).ToHaveCountAsync(2);
            await Assertions.Expect(compare.Locator($"[data-compare='{otherSeed}']")).ToHaveCountAsync(0);
            await Assertions.Expect(compare.Locator($"[data-compare='{composite}']")).ToHaveTextAsync("Composite: tiny_lora_a, tiny_lora_b");
            await Assertions.Expect(compare.Locator($"[data-compare='{baseModel}']")).ToHaveTextAsync("No LoRA");

            // The newest match is shown first; picking the other one swaps the right-hand image.
            var sideBySide = page.Locator("#side-by-side");
            var images = sideBySide.Locator("img");
            await Assertions.Expect(images).ToHaveCountAsync(2);
            await Assertions.Expect(images.Nth(0)).ToHaveAttributeAsync("src", $"api/images/{cmlora}/png");
            await Assertions.Expect(images.Nth(1)).ToHaveAttributeAsync("src", $"api/images/{baseModel}/png");
            await Assertions.Expect(sideBySide).ToContainTextAsync("This image: CmLora");
            await Assertions.Expect(sideBySide).ToContainTextAsync("No LoRA");

            await compare.Locator($"[data-compare='{composite}']").ClickAsync();
            await Assertions.Expect(images.Nth(1)).ToHaveAttributeAsync("src", $"api/images/{composite}/png");
            await Assertions.Expect(sideBySide).ToContainTextAsync("Composite: tiny_lora_a, tiny_lora_b");
            await Assertions.Expect(compare.Locator($"[data-compare='{composite}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
            // Both images really load (64×64 PNGs from the API), not just their tags.
            await Assertions.Expect(images.Nth(0)).ToHaveJSPropertyAsync("naturalWidth", 64);
            await Assertions.Expect(images.Nth(1)).ToHaveJSPropertyAsync("naturalWidth", 64);
            await BrowserFixture.ScreenshotAsync(page, "history-compare");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "history-compare-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task TheAblationPageQueuesTheMissingCellsAndTheGridFillsAsync()
    {
        const string email = "abel@studio.test";
        await fixture.AdminApi.CreateAccountAsync(email, "Abel");
        var api = await fixture.ApiAsync(email);
        Guid original = await GenerateAsync(api, JobClient.TinyRequest(steps: 4, seed: 5150, method: "cmlora", loras: TwoLoras));

        var page = await (await fixture.SignedInContextAsync(email)).NewPageAsync();
        try
        {
            await page.GotoAsync($"/history/{original}/ablation");
            await BrowserFlows.WaitForCircuitAsync(page);
            // Row 1: base model, Merge, Switch, Composite, CMLoRA (this image); row 2: CMLoRA without each LoRA.
            var cells = page.Locator(".ablation-cell");
            await Assertions.Expect(cells).ToHaveCountAsync(7);
            await Assertions.Expect(page.Locator(".ablation-row[data-row='0'] .ablation-cell")).ToHaveCountAsync(5);
            await Assertions.Expect(page.Locator(".ablation-row[data-row='1'] .ablation-cell")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator(".ablation-cell[data-key='method:cmlora']")).ToHaveAttributeAsync("data-state", "made");
            await Assertions.Expect(page.Locator(".ablation-cell[data-key='method:cmlora']")).ToContainTextAsync("(this image)");
            await Assertions.Expect(page.Locator(".ablation-cell[data-state='missing']")).ToHaveCountAsync(6);
            await Assertions.Expect(page.Locator($".ablation-cell[data-key='without:{GenerationBrowserFixture.LoraA}']")).ToContainTextAsync($"without {GenerationBrowserFixture.LoraA}");

            var queue = page.Locator("#queue-ablation");
            await Assertions.Expect(queue).ToHaveTextAsync("Queue 6 image(s)");
            await queue.ClickAsync();
            await Assertions.Expect(page.Locator(".ablation-cell[data-state='missing']")).ToHaveCountAsync(0);
            await Assertions.Expect(queue).ToHaveTextAsync("Everything is queued or made");
            await Assertions.Expect(queue).ToBeDisabledAsync();

            // The grid looks for the images while the jobs run: every cell ends with its own image.
            await Assertions.Expect(page.Locator(".ablation-cell[data-state='made']")).ToHaveCountAsync(7, new() { Timeout = AblationJobsTimeoutMs });
            var sources = await page.Locator(".ablation-cell img").EvaluateAllAsync<string[]>("imgs => imgs.map(i => i.getAttribute('src'))");
            Assert.Equal(7, sources.Distinct().Count());
            Assert.Contains($"api/images/{original}/png", sources);
            await BrowserFixture.ScreenshotAsync(page, "ablation-grid");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "ablation-grid-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task<Guid> GenerateAsync(StudioSession session, object request)
    {
        Guid job = await JobClient.SubmitAsync(session.Http, request);
        var done = await JobClient.WaitAsync(session.Http, job, JobClient.IsFinal);
        Assert.Equal("Finished", JobClient.Status(done));
        return done.GetProperty("imageIds")[0].GetGuid();
    }
}
