using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>Who may read, change and cancel jobs and images, and personal API tokens (bearer) end to end.</summary>
[Collection(GenerationCollection.Name)]
public class GenerationAuthorizationTests(GenerationFixture fixture) : IAsyncLifetime
{
    private Guid _job;
    private Guid _image;

    public async Task InitializeAsync()
    {
        _job = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 2, seed: 11));
        var job = await JobClient.WaitAsync(fixture.Alice.Http, _job, JobClient.IsFinal);
        Assert.Equal("Finished", JobClient.Status(job));
        _image = job.GetProperty("imageIds")[0].GetGuid();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private StudioSession As(string caller) => caller switch
    {
        "anonymous" => StudioSession.Anonymous(fixture.Studio),
        "owner" => fixture.Alice,
        "other member" => fixture.Bob,
        "admin" => fixture.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound)]
    [InlineData("owner", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task ReadingAPrivateJobAndImageAsync(string caller, HttpStatusCode expected)
    {
        var http = As(caller).Http;
        foreach (string path in new[] { $"/api/jobs/{_job}", $"/api/images/{_image}", $"/api/images/{_image}/png", $"/api/images/{_image}/rerun" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound)]
    [InlineData("admin", HttpStatusCode.Forbidden)]
    [InlineData("owner", HttpStatusCode.OK)]
    public async Task OnlyTheOwnerStarsAPrivateImageAsync(string caller, HttpStatusCode expected)
    {
        using var response = await As(caller).Http.PatchAsJsonAsync($"/api/images/{_image}", new { starred = true });
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TeamImagesAreListedForMembersButStayTheOwnersAsync()
    {
        using var share = await fixture.Alice.Http.PatchAsJsonAsync($"/api/images/{_image}", new { visibility = "Team" });
        Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        try
        {
            using var list = JsonDocument.Parse(await fixture.Bob.Http.GetStringAsync("/api/images?pageSize=200"));
            Assert.Contains(list.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == _image);
            using var png = await fixture.Bob.Http.GetAsync($"/api/images/{_image}/png");
            Assert.Equal(HttpStatusCode.OK, png.StatusCode);
            using var star = await fixture.Bob.Http.PatchAsJsonAsync($"/api/images/{_image}", new { starred = true });
            Assert.Equal(HttpStatusCode.Forbidden, star.StatusCode);
        }
        finally
        {
            using var back = await fixture.Alice.Http.PatchAsJsonAsync($"/api/images/{_image}", new { visibility = "Private" });
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }
        using var after = JsonDocument.Parse(await fixture.Bob.Http.GetStringAsync("/api/images?pageSize=200"));
        Assert.DoesNotContain(after.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == _image);
    }

    [Theory]
    [InlineData("GET", "/api/jobs")]
    [InlineData("POST", "/api/jobs")]
    [InlineData("GET", "/api/jobs/mine")]
    [InlineData("POST", "/api/jobs/reorder")]
    [InlineData("DELETE", "/api/jobs/00000000-0000-0000-0000-000000000001")]
    [InlineData("GET", "/api/images")]
    [InlineData("PATCH", "/api/images/00000000-0000-0000-0000-000000000001")]
    [InlineData("GET", "/api/tokens")]
    [InlineData("POST", "/api/tokens")]
    [InlineData("DELETE", "/api/tokens/00000000-0000-0000-0000-000000000001")]
    public async Task AnonymousCallersGet401Async(string method, string path)
    {
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
        using var response = await anonymous.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task MembersMayNotReorderTheQueueAsync()
    {
        using var response = await fixture.Bob.Http.PostAsJsonAsync("/api/jobs/reorder", new { jobIds = Array.Empty<Guid>() });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task BearerTokenWorksUntilRevokedAsync()
    {
        using var created = await fixture.Alice.Http.PostAsJsonAsync("/api/tokens", new { name = "render script" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var token = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        string secret = token.RootElement.GetProperty("secret").GetString()!;
        Guid tokenId = token.RootElement.GetProperty("id").GetGuid();
        Assert.StartsWith("cml_", secret);

        // Listed without its secret.
        string list = await fixture.Alice.Http.GetStringAsync("/api/tokens");
        Assert.Contains("render script", list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain(secret[10..], list);

        using var bearer = fixture.BearerClient(secret);
        // Reads and submits without cookie or anti-forgery token; sees Alice's private items, not Bob's.
        using (var job = await bearer.GetAsync($"/api/jobs/{_job}")) Assert.Equal(HttpStatusCode.OK, job.StatusCode);
        Guid submitted = await JobClient.SubmitAsync(bearer, JobClient.TinyRequest(steps: 1, seed: 3));
        var done = await JobClient.WaitAsync(bearer, submitted, JobClient.IsFinal);
        Assert.Equal("Finished", JobClient.Status(done));
        using (var loras = await bearer.GetAsync("/api/loras")) Assert.Equal(HttpStatusCode.OK, loras.StatusCode);
        // Tokens cannot manage tokens.
        using (var tokens = await bearer.GetAsync("/api/tokens")) Assert.Equal(HttpStatusCode.Unauthorized, tokens.StatusCode);

        // Bob's token does not see Alice's private job.
        using var bobCreated = await fixture.Bob.Http.PostAsJsonAsync("/api/tokens", new { name = "bob" });
        using var bobToken = JsonDocument.Parse(await bobCreated.Content.ReadAsStringAsync());
        using var bobBearer = fixture.BearerClient(bobToken.RootElement.GetProperty("secret").GetString()!);
        using (var hidden = await bobBearer.GetAsync($"/api/jobs/{_job}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        // …and Bob cannot revoke Alice's token.
        using (var foreign = await fixture.Bob.Http.DeleteAsync($"/api/tokens/{tokenId}")) Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        using var revoke = await fixture.Alice.Http.DeleteAsync($"/api/tokens/{tokenId}");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using (var after = await bearer.GetAsync($"/api/jobs/{_job}")) Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var forged = fixture.BearerClient("cml_" + new string('A', 43));
        using (var unknown = await forged.GetAsync("/api/jobs")) Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }
}
