using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

[Collection(BrowserCollection.Name)]
public class StudioShellTests(BrowserFixture fixture)
{
    private static readonly string[] Sections = ["Generate", "Library", "Collections", "History", "Queue", "Admin"];

    [Fact]
    public async Task HomePageRendersNavigationAndConnectsTheBlazorCircuitAsync()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            var nav = page.Locator("#main-nav");
            foreach (string section in Sections)
                await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = section, Exact = true })).ToBeVisibleAsync();

            // The marker only renders once the component runs interactively over the SignalR circuit.
            await Assertions.Expect(page.Locator("#circuit-status[data-connected='true']")).ToBeAttachedAsync();

            // And the circuit answers: toggling dark mode round-trips through the server.
            var main = page.Locator("#main-content");
            string before = await main.GetAttributeAsync("data-theme") ?? "";
            await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" }).ClickAsync();
            await Assertions.Expect(main).ToHaveAttributeAsync("data-theme", before == "dark" ? "light" : "dark");

            await Assertions.Expect(page.Locator("#engine-device")).ToContainTextAsync("cpu (float32)");
            await BrowserFixture.ScreenshotAsync(page, "home");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "home-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Theory]
    [InlineData("Library", "/library")]
    [InlineData("Queue", "/queue")]
    public async Task NavigationLinksOpenTheirPagesAsync(string link, string path)
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync("/");
            await Assertions.Expect(page.Locator("#circuit-status[data-connected='true']")).ToBeAttachedAsync();
            await page.Locator("#main-nav").GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
