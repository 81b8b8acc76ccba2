using System.Net;
using System.Net.Http.Json;
using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>Who may open a history item: a private image is denied to other members; a Team one opens for them (read-only).</summary>
[Collection(GenerationBrowserCollection.Name)]
public class HistoryAccessTests(GenerationBrowserFixture fixture)
{
    [Fact]
    public async Task AnotherMemberCannotOpenAPrivateImageButCanOpenATeamOneAsync()
    {
        await fixture.AdminApi.CreateAccountAsync("olga@studio.test", "Olga");
        var olga = await fixture.ApiAsync("olga@studio.test");
        Guid imageId = await GenerateAsync(olga, JobClient.TinyRequest(steps: 2, seed: 77, visibility: "Private"));

        var pete = await fixture.NewMemberAsync("pete@studio.test", "Pete");
        var page = await pete.NewPageAsync();
        try
        {
            await page.GotoAsync($"/history/{imageId}");
            await Assertions.Expect(page.Locator("#history-denied")).ToContainTextAsync("Access denied");
            await Assertions.Expect(page.Locator("#detail-image")).ToHaveCountAsync(0);
            await page.GotoAsync($"/history/{imageId}/ablation");
            await Assertions.Expect(page.Locator("#ablation-denied")).ToBeVisibleAsync();
            await page.GotoAsync("/history");
            await BrowserFlows.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator($".history-card[data-image='{imageId}']")).ToHaveCountAsync(0);

            // Olga shares it with the team: the same link now opens for Pete, without the owner's controls.
            using var share = await olga.Http.PatchAsJsonAsync($"/api/images/{imageId}", new { visibility = "Team" });
            Assert.Equal(HttpStatusCode.OK, share.StatusCode);
            await page.GotoAsync($"/history/{imageId}");
            await Assertions.Expect(page.Locator("#detail-image")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#image-owner")).ToHaveTextAsync("Olga");
            await Assertions.Expect(page.Locator("#param-seed")).ToContainTextAsync("77");
            await Assertions.Expect(page.Locator("#star-button")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#image-visibility")).ToHaveCountAsync(0);
            await page.GotoAsync("/history");
            await Assertions.Expect(page.Locator($".history-card[data-image='{imageId}']")).ToBeVisibleAsync();
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task TheOwnerStarsAnImageAndSharesItFromTheDetailPageAsync()
    {
        await fixture.AdminApi.CreateAccountAsync("sara@studio.test", "Sara");
        var api = await fixture.ApiAsync("sara@studio.test");
        Guid imageId = await GenerateAsync(api, JobClient.TinyRequest(steps: 2, seed: 91));
        var context = await fixture.SignedInContextAsync("sara@studio.test");
        var page = await context.NewPageAsync();
        try
        {
            // The star button waits for the circuit (disabled until the page runs interactively), so no other wait is needed.
            await page.GotoAsync($"/history/{imageId}");
            await Assertions.Expect(page.Locator("#share-link")).ToHaveValueAsync(new Uri(fixture.Studio.BaseAddress, $"history/{imageId}").ToString());
            await page.GetByRole(AriaRole.Button, new() { Name = "Star", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#star-button")).ToHaveAttributeAsync("data-starred", "true");
            await page.Locator("div.mud-select", new() { HasText = "Who sees it" }).First.ClickAsync();
            await page.Locator(".mud-popover-open").GetByText("Team", new() { Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#image-owner")).ToBeVisibleAsync();

            var image = await api.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/images/{imageId}");
            for (int i = 0; i < 50 && image.GetProperty("visibility").GetString() != "Team"; i++)
            {
                await Task.Delay(100);
                image = await api.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/images/{imageId}");
            }
            Assert.True(image.GetProperty("starred").GetBoolean());
            Assert.Equal("Team", image.GetProperty("visibility").GetString());

            // The starred filter of the gallery finds it.
            await page.GotoAsync("/history");
            await BrowserFlows.WaitForCircuitAsync(page);
            await page.GetByLabel("Starred only").CheckAsync(new() { Force = true });
            await Assertions.Expect(page.Locator($".history-card[data-image='{imageId}']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#history-count")).ToHaveTextAsync("1 image");
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
