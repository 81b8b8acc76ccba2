using System.Net;
using System.Text.Json;

namespace CMLoRA.Web.Tests;

[Collection(StudioCollection.Name)]
public class HealthEndpointTests(StudioFixture fixture)
{
    [Fact]
    public async Task HealthzReportsAReachableMigratedDatabaseAndTheEngineDeviceAsync()
    {
        using var client = fixture.Studio.CreateClient();
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.Equal("0.1.0", root.GetProperty("version").GetString());
        Assert.True(root.GetProperty("database").GetProperty("reachable").GetBoolean());
        Assert.Equal(0, root.GetProperty("database").GetProperty("pendingMigrations").GetInt32());
        Assert.Equal("cpu (float32)", root.GetProperty("engine").GetProperty("device").GetString());
        Assert.Equal("0.107.0", root.GetProperty("engine").GetProperty("torchSharp").GetString());
    }

    [Theory]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/app.css")]
    [InlineData("/favicon.svg")]
    public async Task StaticAssetsAreServedFromTheBuildOutputAsync(string path)
    {
        using var client = fixture.Studio.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StartupLogNamesTheUrlAndTheDeviceAsync()
    {
        using var client = fixture.Studio.CreateClient();
        await client.GetAsync("/healthz");
        Assert.Contains($"CMLoRA Studio is running at {fixture.Studio.BaseAddress.ToString().TrimEnd('/')}", fixture.Studio.Log);
        Assert.Contains("Engine device: cpu (float32)", fixture.Studio.Log);
    }
}
