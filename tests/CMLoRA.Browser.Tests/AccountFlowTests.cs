using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

[Collection(BrowserCollection.Name)]
public class AccountFlowTests(BrowserFixture fixture)
{
    [Fact]
    public async Task AFreshInstallAsksForTheFirstAdministratorAsync()
    {
        // Its own studio: the shared one already has its admin.
        await using var studio = await StudioProcess.StartAsync();
        await using var browser = await fixture.LaunchAsync();
        var context = await fixture.NewContextAsync(browser, studio);
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("/library");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/setup");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create the first administrator" })).ToBeVisibleAsync();

            // Mistyped confirmation: refused, nothing created.
            await page.GetByLabel("Your name").FillAsync("Grace");
            await page.GetByLabel("Email").FillAsync("grace@studio.test");
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(TestAccounts.Password);
            await page.GetByLabel("Repeat the password").FillAsync("Something-else1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
            await Assertions.Expect(page.GetByText("The two passwords differ.").First).ToBeVisibleAsync();

            await BrowserFlows.SetupFirstAdminAsync(page, "grace@studio.test", "Grace");
            await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync("Grace");
            await Assertions.Expect(page.Locator("#main-nav").GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, "setup-done");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "setup-failure");
            throw;
        }
        finally
        {
            try { Directory.Delete(studio.DataDir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task AMemberSignsInAfterAWrongPasswordAndSignsOutAsync()
    {
        await fixture.AdminApi.CreateAccountAsync("mia@studio.test", "Mia");
        var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("/library");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
            await page.GetByLabel("Email").FillAsync("mia@studio.test");
            await page.GetByLabel("Password").FillAsync("not-her-Password1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email or password.");

            await page.GetByLabel("Password").FillAsync(TestAccounts.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            // Back to the page that asked for sign-in.
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/library");
            await BrowserFlows.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync("Mia");
            // Members do not see the admin section.
            await Assertions.Expect(page.Locator("#main-nav").GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
            await page.GotoAsync("/collections");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "member-signin-failure");
            throw;
        }
    }

    [Fact]
    public async Task AnAdminAddsAMemberAndDisablesTheAccountAsync()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync("/admin");
            await BrowserFlows.WaitForCircuitAsync(page);
            await page.GetByLabel("Email").FillAsync("nina@studio.test");
            await page.GetByLabel("Name").FillAsync("Nina");
            await page.GetByLabel("Initial password").FillAsync(TestAccounts.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
            await Assertions.Expect(page.GetByText("nina@studio.test can now sign in.")).ToBeVisibleAsync();
            var row = page.Locator("#members-table tr", new() { HasText = "nina@studio.test" });
            await Assertions.Expect(row).ToContainTextAsync("Member");
            await Assertions.Expect(row).ToContainTextAsync("active");

            await row.GetByRole(AriaRole.Button, new() { Name = "Disable nina@studio.test" }).ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync("disabled");
            await BrowserFixture.ScreenshotAsync(page, "admin");

            // The disabled account is refused at the sign-in page.
            var context = await fixture.NewContextAsync();
            var nina = await context.NewPageAsync();
            await nina.GotoAsync("/account/login");
            await nina.GetByLabel("Email").FillAsync("nina@studio.test");
            await nina.GetByLabel("Password").FillAsync(TestAccounts.Password);
            await nina.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(nina.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This account is disabled. Ask an administrator to enable it.");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "admin-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
