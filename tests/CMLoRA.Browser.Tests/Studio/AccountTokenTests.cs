using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>The API tokens page: a new token's secret is shown once and works as a bearer token until revoked.</summary>
[Collection(GenerationBrowserCollection.Name)]
public class AccountTokenTests(GenerationBrowserFixture fixture)
{
    [Fact]
    public async Task CreateUseAndRevokeATokenAsync()
    {
        var context = await fixture.NewMemberAsync("tom@studio.test", "Tom");
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("/account/tokens");
            await BrowserFlows.WaitForCircuitAsync(page);
            await page.GetByLabel("Token name").FillAsync("render script");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
            string secret = (await page.Locator("#token-secret").TextContentAsync() ?? "").Trim();
            Assert.True(secret.Length >= 20, secret);
            await Assertions.Expect(page.Locator("#token-table")).ToContainTextAsync("render script");
            await Assertions.Expect(page.Locator("#token-table")).ToContainTextAsync("active");

            using var client = fixture.Studio.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using (var ok = await client.GetAsync("/api/images"))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

            // The secret is not shown again after a reload.
            await page.ReloadAsync();
            await BrowserFlows.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("#token-secret")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "Revoke render script" }).ClickAsync();
            await Assertions.Expect(page.Locator("#token-table")).ToContainTextAsync("revoked");
            using var refused = await client.GetAsync("/api/images");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
