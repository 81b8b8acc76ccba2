using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// A collection's method options are the generation request's typed options: refused with the request's exact
/// messages, stored, returned by the API, kept by edits, versions and duplicates.
/// </summary>
[Collection(StudioCollection.Name)]
public class CollectionOptionsTests(StudioFixture fixture) : IAsyncLifetime
{
    private Guid _lora;

    public async Task InitializeAsync() =>
        _lora = await fixture.Alice.UploadLoraAsync(TestLora.Build("opts_style", seed: Random.Shared.Next(10_000, 1_000_000)), visibility: "Team");

    public Task DisposeAsync() => Task.CompletedTask;

    private Dictionary<string, object?> Recipe(string method, object? options, string name = "With options") => new()
    {
        ["name"] = name, ["visibility"] = "Team", ["method"] = method, ["baseModel"] = "SD 1.x", ["options"] = options,
        ["items"] = new[] { new { loraId = _lora, weight = 0.8 } },
    };

    public static TheoryData<string, string, string> BadOptions => new()
    {
        { "CmLora", """{"cmlora": {"maxAge": 0}}""", "CMLoRA maximum cache age must be at least 1 (got 0)." },
        { "CmLora", """{"cmlora": {"dominantRefresh": {"interval": 0}}}""", "CMLoRA dominant refresh interval must be at least 1 (got 0)." },
        { "CmLora", """{"cmlora": {"maxAge": 3}}""", "CMLoRA maximum cache age (3) must be at least the refresh intervals (2 and 4)." },
        { "CmLora", """{"cmlora": {"latePhaseStart": 1}}""", "CMLoRA late phase start must be a fraction of the run between 0 and 1, both excluded (got 1)." },
        { "CmLora", """{"switch": {"switchStep": 2}}""", "Options were given for switch, but the method is cmlora." },
        { "Switch", """{"switch": {"switchStep": 0}}""", "Switch step must be at least 1 (got 0)." },
        { "Merge", """{"merge": {"caching": {"kind": "uniform", "interval": 4}, "maxAge": 2}}""", "Merge maximum cache age (2) must be at least the cache interval (4)." },
        { "Composite", """{"composite": {"maxAge": 3}}""", "Composite maximum cache age applies only with a cache refresh schedule (caching)." },
        { "Composite", """{"composite": {"caching": {"kind": "cubic", "interval": 2}}}""", "Unknown Composite cache refresh kind 'cubic': use uniform, quadratic or piecewise." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task InvalidOptionsAreRefusedWithTheGenerationRequestsMessagesAsync(string method, string options, string message)
    {
        var recipe = Recipe(method, JsonNode.Parse(options));
        using var created = await fixture.Alice.Http.PostAsJsonAsync("/api/collections", recipe);
        Assert.Equal(message, await DetailAsync(created, HttpStatusCode.BadRequest));

        // Saving over an existing collection is refused the same way, and leaves it as it was.
        var valid = await CreateAsync(Recipe(method, null));
        Guid id = valid.GetProperty("id").GetGuid();
        using var updated = await fixture.Alice.Http.PutAsJsonAsync($"/api/collections/{id}", recipe);
        Assert.Equal(message, await DetailAsync(updated, HttpStatusCode.BadRequest));
        var after = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/collections/{id}");
        Assert.Equal(1, after.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("options").ValueKind);
    }

    [Fact]
    public async Task LegacyOptionsTextIsCheckedTooAsync()
    {
        var recipe = Recipe("Switch", null);
        recipe["optionsJson"] = "[1, 2]";
        using (var response = await fixture.Alice.Http.PostAsJsonAsync("/api/collections", recipe))
            Assert.Equal("the options must be a JSON object of method options, as a generation request's options",
                await DetailAsync(response, HttpStatusCode.BadRequest));
        recipe["optionsJson"] = """{"switch": {"switchStep": 0}}""";
        using (var response = await fixture.Alice.Http.PostAsJsonAsync("/api/collections", recipe))
            Assert.Equal("Switch step must be at least 1 (got 0).", await DetailAsync(response, HttpStatusCode.BadRequest));
        recipe["optionsJson"] = """{"switch": {"switchStep": 7}}""";
        var created = await CreateAsync(recipe);
        Assert.Equal("""{"switch":{"switchStep":7}}""", Compact(created.GetProperty("options")));
    }

    [Fact]
    public async Task ValidOptionsAreStoredReturnedVersionedAndDuplicatedAsync()
    {
        var options = JsonNode.Parse("""{"switch": {"switchStep": 3, "caching": {"kind": "quadratic", "interval": 2, "centerFraction": 0.4}, "maxAge": 4}}""");
        var created = await CreateAsync(Recipe("Switch", options));
        Guid id = created.GetProperty("id").GetGuid();
        const string expected = """{"switch":{"switchStep":3,"caching":{"kind":"quadratic","interval":2,"centerFraction":0.4},"maxAge":4}}""";
        Assert.Equal(expected, Compact(created.GetProperty("options")));
        Assert.Equal(expected, created.GetProperty("optionsJson").GetString());

        // Another member reads the team collection with its method and options.
        var read = await fixture.Bob.Http.GetFromJsonAsync<JsonElement>($"/api/collections/{id}");
        Assert.Equal("Switch", read.GetProperty("method").GetString());
        Assert.Equal(expected, Compact(read.GetProperty("options")));

        // An edit replaces them (a new version); a duplicate keeps them.
        var cmlora = JsonNode.Parse("""{"cmlora": {"maxAge": 6, "latePhaseStart": 0.4, "useCache": false}}""");
        using (var update = await fixture.Alice.Http.PutAsJsonAsync($"/api/collections/{id}", Recipe("CmLora", cmlora)))
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var edited = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/collections/{id}");
        Assert.Equal(2, edited.GetProperty("version").GetInt32());
        Assert.Equal("""{"cmlora":{"maxAge":6,"latePhaseStart":0.4,"useCache":false}}""", Compact(edited.GetProperty("options")));
        using var duplicate = await fixture.Bob.Http.PostAsync($"/api/collections/{id}/duplicate", null);
        var copy = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Compact(edited.GetProperty("options")), Compact(copy.GetProperty("options")));

        // Without options the engine's defaults apply: nothing is stored.
        var plain = await CreateAsync(Recipe("Merge", null, "Plain"));
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("options").ValueKind);
        Assert.Equal("{}", plain.GetProperty("optionsJson").GetString());
    }

    // The API writes the typed options with every property, unset ones as null (the engine's defaults); compared without them.
    private static string Compact(JsonElement options)
    {
        static JsonNode? Strip(JsonNode? node)
        {
            if (node is JsonObject o)
                foreach (var (key, value) in o.ToList())
                    if (value is null) o.Remove(key);
                    else Strip(value);
            return node;
        }
        return Strip(JsonNode.Parse(options.GetRawText()))!.ToJsonString();
    }

    private async Task<JsonElement> CreateAsync(object recipe)
    {
        using var response = await fixture.Alice.Http.PostAsJsonAsync("/api/collections", recipe);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }
}
