using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

[Collection(BrowserCollection.Name)]
public class CollectionFlowTests(BrowserFixture fixture)
{
    [Fact]
    public async Task CreateACollectionFromALibraryMultiSelectionAsync()
    {
        await fixture.AdminApi.UploadLoraAsync(TestLora.Build("recipe_style", seed: 8101), "recipe_style.safetensors", "Team");
        await fixture.AdminApi.UploadLoraAsync(TestLora.Build("recipe_character", seed: 8102), "recipe_character.safetensors", "Team");
        var page = await fixture.NewPageAsync();
        try
        {
            await BrowserFlows.OpenLibraryAsync(page);
            await page.GetByLabel("Search name, trigger word or tag").FillAsync("recipe_");
            await Assertions.Expect(page.Locator("#library-count")).ToHaveTextAsync("2 LoRAs");
            await page.GetByLabel("Select recipe_character").CheckAsync();
            await page.GetByLabel("Select recipe_style").CheckAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Create collection (2)" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/collections/new");

            var items = page.Locator("#collection-items");
            await Assertions.Expect(items.Locator("tr[data-item]")).ToHaveCountAsync(2);
            await page.GetByLabel("Name").First.FillAsync("Ada in watercolour");
            // Too much weight on one LoRA (a new collection uses CMLoRA, where each weight counts on its own): the
            // pre-flight check says so in words.
            await page.GetByLabel("Weight of recipe_style").FillAsync("2.5");
            await page.GetByLabel("Weight of recipe_style").PressAsync("Tab");
            await Assertions.Expect(page.Locator("#preflight")).ToContainTextAsync("“recipe_style” has weight 2.5. Above about 2 a LoRA tends to overpower the base model");
            await page.GetByLabel("Weight of recipe_style").FillAsync("0.6");
            await page.GetByLabel("Weight of recipe_style").PressAsync("Tab");
            await Assertions.Expect(page.Locator("#preflight")).ToContainTextAsync("Ready to generate.");

            await page.GetByRole(AriaRole.Button, new() { Name = "Create collection" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/collections/") && !url.EndsWith("/new"));
            await Assertions.Expect(page.Locator("#collection-version")).ToHaveTextAsync("v1");
            await Assertions.Expect(page.Locator("#collection-title")).ToHaveTextAsync("Ada in watercolour");

            // Reorder and save: a new version.
            await page.GetByLabel("Move recipe_style up").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save as new version" }).ClickAsync();
            await Assertions.Expect(page.Locator("#collection-version")).ToHaveTextAsync("v2");
            await Assertions.Expect(items.Locator("tr[data-item]").First).ToHaveAttributeAsync("data-item", "recipe_style");
            await Assertions.Expect(page.Locator("#collection-versions")).ToContainTextAsync("edited");
            await BrowserFixture.ScreenshotAsync(page, "collection");

            await page.GotoAsync("/collections");
            await Assertions.Expect(page.Locator("#collections-table")).ToContainTextAsync("Ada in watercolour");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "collection-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
