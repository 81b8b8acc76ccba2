using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

[Collection(BrowserCollection.Name)]
public class LibraryFlowTests(BrowserFixture fixture)
{
    [Fact]
    public async Task UploadASafetensorsLoraSeeItsHashesAndMetadataAndEditItsTriggerWordsAsync()
    {
        byte[] file = TestLora.Build("browser_ada", rank: 4, seed: 4242, alpha: 2f);
        var page = await fixture.NewPageAsync();
        try
        {
            await BrowserFlows.OpenLibraryAsync(page);
            await page.SetInputFilesAsync("#lora-upload-input", new FilePayload { Name = "browser_ada.safetensors", MimeType = "application/octet-stream", Buffer = file });
            await Assertions.Expect(page.Locator("#upload-results")).ToContainTextAsync("Added \"browser_ada\" from browser_ada.safetensors.");

            // A broken file is refused with its reason, next to the good one.
            await page.SetInputFilesAsync("#lora-upload-input", new FilePayload { Name = "empty.safetensors", MimeType = "application/octet-stream", Buffer = [] });
            await Assertions.Expect(page.Locator("#upload-results")).ToContainTextAsync("empty.safetensors was refused: the file is empty (0 bytes)");

            var card = page.Locator("#library-cards").GetByRole(AriaRole.Link, new() { Name = "browser_ada", Exact = true });
            await Assertions.Expect(card).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, "library");
            await card.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/library/"));

            string sha = TestLora.Sha256(file);
            var hashes = page.Locator("#lora-hashes");
            await Assertions.Expect(hashes.Locator("code[data-hash='SHA-256']")).ToHaveTextAsync(sha);
            await Assertions.Expect(hashes.Locator("code[data-hash='AutoV2']")).ToHaveTextAsync(sha[..10]);
            await Assertions.Expect(hashes.Locator("code[data-hash='AutoV3']")).ToHaveTextAsync(TestLora.DataSha256(file)[..12]);
            await Assertions.Expect(page.Locator("#lora-rank")).ToHaveTextAsync("4 / 2");
            await Assertions.Expect(page.Locator("#lora-title")).ToHaveTextAsync("browser_ada");
            await Assertions.Expect(page.GetByText("SD 1.x").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#lora-images")).ToContainTextAsync("No images yet");
            await page.GetByText("Training metadata").ClickAsync();
            await Assertions.Expect(page.Locator("#lora-metadata")).ToContainTextAsync("ss_base_model_version");

            // Trigger words: take one suggestion from the training tags, type another, save.
            await page.Locator("#suggested-trigger-words").GetByText("ada", new() { Exact = true }).ClickAsync();
            var triggers = page.GetByLabel("Trigger words (comma-separated)");
            await Assertions.Expect(triggers).ToHaveValueAsync("ada");
            await triggers.FillAsync("ada, red hair");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, "lora-detail");

            await page.ReloadAsync();
            await BrowserFlows.WaitForCircuitAsync(page);
            await Assertions.Expect(page.GetByLabel("Trigger words (comma-separated)")).ToHaveValueAsync("ada, red hair");
            await page.GetByText("Edit history").ClickAsync();
            await Assertions.Expect(page.Locator("#lora-history")).ToContainTextAsync($"{TestAccounts.AdminName} changed trigger words");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "library-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task AMemberDoesNotSeeAnotherMembersPrivateLoraAsync()
    {
        var alice = await fixture.NewMemberContextAsync("alice.b@studio.test", "Alice B");
        var bob = await fixture.NewMemberContextAsync("bob.b@studio.test", "Bob B");
        var alicePage = await alice.NewPageAsync();
        var bobPage = await bob.NewPageAsync();
        try
        {
            await BrowserFlows.OpenLibraryAsync(alicePage);
            await alicePage.SetInputFilesAsync("#lora-upload-input",
                new FilePayload { Name = "alice_secret.safetensors", MimeType = "application/octet-stream", Buffer = TestLora.Build("alice_secret", seed: 5151) });
            await Assertions.Expect(alicePage.Locator("#upload-results")).ToContainTextAsync("Added \"alice_secret\"");
            await alicePage.Locator("#library-cards").GetByRole(AriaRole.Link, new() { Name = "alice_secret", Exact = true }).ClickAsync();
            await alicePage.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/library/"));
            string detailPath = new Uri(alicePage.Url).AbsolutePath;

            await BrowserFlows.OpenLibraryAsync(bobPage);
            await bobPage.GetByLabel("Search name, trigger word or tag").FillAsync("alice_secret");
            await Assertions.Expect(bobPage.Locator("#library-empty")).ToBeVisibleAsync();
            await Assertions.Expect(bobPage.GetByRole(AriaRole.Link, new() { Name = "alice_secret" })).ToHaveCountAsync(0);

            // Even with the address, Bob only learns that there is nothing for him.
            await bobPage.GotoAsync(detailPath);
            await Assertions.Expect(bobPage.Locator("#lora-not-found")).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(bobPage, "private-lora-hidden");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(alicePage, "private-lora-failure-alice");
            await BrowserFixture.ScreenshotAsync(bobPage, "private-lora-failure-bob");
            throw;
        }
    }
}
