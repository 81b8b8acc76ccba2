using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>Each library endpoint tried on Alice's private LoRA as anonymous, another member, the owner and an admin.</summary>
[Collection(StudioCollection.Name)]
public class LibraryAuthorizationTests(StudioFixture fixture) : IAsyncLifetime
{
    private static readonly byte[] Png1x1 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private Guid _private;

    public async Task InitializeAsync() =>
        _private = await fixture.Alice.UploadLoraAsync(TestLora.Build("alice_private", seed: 700 + Random.Shared.Next(1000)));

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound)]
    [InlineData("owner", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task DetailAsync(string caller, HttpStatusCode expected)
    {
        using var response = await fixture.As(caller).Http.GetAsync($"/api/loras/{_private}");
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound)]
    [InlineData("owner", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task EditAsync(string caller, HttpStatusCode expected)
    {
        using var response = await fixture.As(caller).Http.PutAsJsonAsync($"/api/loras/{_private}", new { notes = "edited by " + caller });
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound)]
    [InlineData("owner", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task PreviewUploadAndDownloadAsync(string caller, HttpStatusCode expected)
    {
        var session = fixture.As(caller);
        using var upload = await session.UploadAsync($"/api/loras/{_private}/preview", ("p.png", Png1x1));
        Assert.Equal(expected, upload.StatusCode);
        using var download = await session.Http.GetAsync($"/api/loras/{_private}/preview");
        Assert.Equal(expected, download.StatusCode);
        if (expected == HttpStatusCode.OK)
            Assert.Equal("image/jpeg", download.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task DeleteAsync(string caller, HttpStatusCode expected)
    {
        using var response = await fixture.As(caller).Http.DeleteAsync($"/api/loras/{_private}");
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("anonymous", false)]
    [InlineData("other member", false)]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    public async Task ListAsync(string caller, bool listed)
    {
        using var response = await fixture.As(caller).Http.GetAsync("/api/loras?search=alice_private&pageSize=200");
        if (caller == "anonymous")
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return;
        }
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(listed, page.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetGuid() == _private));
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.Forbidden)]
    public async Task UploadsNeedAnAccountAndFolderImportNeedsAdminAsync(string caller, HttpStatusCode importStatus)
    {
        var session = fixture.As(caller);
        using var import = await session.Http.PostAsJsonAsync("/api/loras/import-folder", new { path = "/tmp" });
        Assert.Equal(importStatus, import.StatusCode);
        if (caller == "anonymous")
        {
            using var upload = await session.UploadAsync("/api/loras", ("a.safetensors", TestLora.Build(seed: 5)));
            Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode);
        }
    }

    [Fact]
    public async Task TeamLorasCanBeEditedByMembersButOnlyTheOwnerChangesVisibilityOrDeletesAsync()
    {
        Guid team = await fixture.Alice.UploadLoraAsync(TestLora.Build("alice_team", seed: 1700 + Random.Shared.Next(1000)), visibility: "Team");
        using (var edit = await fixture.Bob.Http.PutAsJsonAsync($"/api/loras/{team}", new { triggerWords = new[] { "bob's word" } }))
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        using (var hide = await fixture.Bob.Http.PutAsJsonAsync($"/api/loras/{team}", new { visibility = "Private" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, hide.StatusCode);
            Assert.Contains("only the owner or an admin may change who sees this LoRA", await hide.Content.ReadAsStringAsync());
        }
        using (var delete = await fixture.Bob.Http.DeleteAsync($"/api/loras/{team}"))
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        using (var hide = await fixture.Alice.Http.PutAsJsonAsync($"/api/loras/{team}", new { visibility = "Private" }))
            Assert.Equal(HttpStatusCode.OK, hide.StatusCode);
        using (var gone = await fixture.Bob.Http.GetAsync($"/api/loras/{team}"))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task PreviewsOverThePixelBudgetAreRefusedBeforeDecodingAsync()
    {
        using var response = await fixture.Alice.UploadAsync($"/api/loras/{_private}/preview", ("bomb.png", TestImages.PngHeader(100_000, 100_000)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the image is 100000×100000 pixels; previews may have at most 40 megapixels", await response.Content.ReadAsStringAsync());
    }
}
