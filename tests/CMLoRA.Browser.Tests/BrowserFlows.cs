using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

/// <summary>Steps a person takes in the studio, shared by the tests (located by label and role, as a user sees them).</summary>
public static class BrowserFlows
{
    /// <summary>Opens the studio on a fresh install, is sent to /setup, creates the first admin and lands signed in.</summary>
    public static async Task SetupFirstAdminAsync(IPage page, string email = TestAccounts.AdminEmail, string name = TestAccounts.AdminName,
        string password = TestAccounts.Password)
    {
        await page.GotoAsync("/");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/setup");
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Repeat the password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await WaitForCircuitAsync(page);
    }

    /// <summary>Signs in through /account/login and waits for the interactive home page.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await WaitForCircuitAsync(page);
    }

    /// <summary>Opens the library and waits until its upload picker is wired to the upload script.</summary>
    public static async Task OpenLibraryAsync(IPage page)
    {
        await page.GotoAsync("/library");
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("#lora-upload-input[data-ready='true']")).ToBeAttachedAsync();
    }

    /// <summary>The layout renders this marker only once the page runs interactively over the SignalR circuit.</summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("#circuit-status[data-connected='true']")).ToBeAttachedAsync();
}
