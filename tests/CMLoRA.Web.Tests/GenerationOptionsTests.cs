using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// Composition options end to end: refused with exact messages, stored with every value filled in, run by the engine
/// (different options, different image; same options, same image), recorded in the recipe, embedded in the PNG as the
/// engine's recipe chunk and restored from it (source: our recipe JSON, not infotext).
/// </summary>
[Collection(GenerationCollection.Name)]
public class GenerationOptionsTests(GenerationFixture fixture)
{
    private object[] TinyLora(double weight = 0.8) => [new { loraId = fixture.TinyLora, weight }];

    private static Dictionary<string, object?> Request(string method, object? options, object[]? loras = null, int steps = 4, long seed = 42)
    {
        var request = JobClient.TinyRequest(steps: steps, seed: seed, method: method, loras: loras);
        request["options"] = options;
        return request;
    }

    private async Task<string> RefusedAsync(Dictionary<string, object?> request)
    {
        using var response = await fixture.Alice.Http.PostAsJsonAsync("/api/jobs", request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    public static TheoryData<string, string, string> BadOptions => new()
    {
        { "switch", """{"switch": {"switchStep": 0}}""", "Switch step must be at least 1 (got 0)." },
        { "cmlora", """{"cmlora": {"dominantRefresh": {"interval": 0}}}""", "CMLoRA dominant refresh interval must be at least 1 (got 0)." },
        { "cmlora", """{"cmlora": {"nonDominantRefresh": {"interval": -3}}}""", "CMLoRA other-LoRA refresh interval must be at least 1 (got -3)." },
        { "cmlora", """{"cmlora": {"maxAge": 3}}""", "CMLoRA maximum cache age (3) must be at least the refresh intervals (2 and 4)." },
        { "cmlora", """{"cmlora": {"dominantRefresh": {"interval": 10}}}""", "CMLoRA maximum cache age (8) must be at least the refresh intervals (10 and 4)." },
        { "cmlora", """{"cmlora": {"maxAge": 0}}""", "CMLoRA maximum cache age must be at least 1 (got 0)." },
        { "cmlora", """{"cmlora": {"latePhaseStart": 1}}""", "CMLoRA late phase start must be a fraction of the run between 0 and 1, both excluded (got 1)." },
        { "cmlora", """{"cmlora": {"latePhaseStart": 0}}""", "CMLoRA late phase start must be a fraction of the run between 0 and 1, both excluded (got 0)." },
        { "cmlora", """{"cmlora": {"dominantRefresh": {"kind": "cubic", "interval": 2}}}""", "Unknown CMLoRA dominant refresh kind 'cubic': use uniform, quadratic or piecewise." },
        { "cmlora", """{"cmlora": {"nonDominantRefresh": {"kind": "quadratic", "interval": 4}}}""", "CMLoRA other-LoRA refresh of kind quadratic needs a centerFraction between 0 and 1." },
        { "cmlora", """{"cmlora": {"nonDominantRefresh": {"kind": "quadratic", "interval": 4, "centerFraction": 1.5, "power": 1}}}""",
            "CMLoRA other-LoRA refresh centre must be between 0 and 1 (got 1.5). CMLoRA other-LoRA refresh power must be a number greater than 1 (got 1)." },
        { "merge", """{"merge": {"caching": {"interval": 4}, "maxAge": 2}}""", "Merge maximum cache age (2) must be at least the cache interval (4)." },
        { "merge", """{"merge": {"caching": {"kind": "uniform"}}}""", "Merge cache refresh needs an interval (steps between refreshes)." },
        { "composite", """{"composite": {"maxAge": 5}}""", "Composite maximum cache age applies only with a cache refresh schedule (caching)." },
        { "none", """{"none": {"caching": {"interval": 0}}}""", "Base model cache refresh interval must be at least 1 (got 0)." },
        { "cmlora", """{"switch": {"switchStep": 3}, "merge": {}}""", "Options were given for merge and switch, but the method is cmlora." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task OutOfRangeOptionsAreRefusedWithTheirMessageAsync(string method, string options, string message)
    {
        using var parsed = JsonDocument.Parse(options);
        Assert.Equal(message, await RefusedAsync(Request(method, parsed.RootElement.Clone(), method == "none" ? null : TinyLora())));
    }

    [Fact]
    public async Task OptionErrorsJoinTheOtherErrorsAsync()
    {
        var request = Request("switch", new { @switch = new { switchStep = 0 } }, TinyLora());
        request["steps"] = 0;
        Assert.Equal("Steps must be between 1 and 150 (got 0). Switch step must be at least 1 (got 0).", await RefusedAsync(request));
    }

    [Fact]
    public async Task StoredJobsCarryEveryOptionAndTheModelAsync()
    {
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, Request("cmlora", new { cmlora = new { maxAge = 6 } }, TinyLora(), steps: 2));
        var job = await JobClient.GetAsync(fixture.Alice.Http, id);
        Assert.Equal("tiny-model", job.GetProperty("model").GetString());
        var request = job.GetProperty("request");
        Assert.Equal("tiny-model", request.GetProperty("model").GetString());
        Assert.Equal(
            """{"cmlora":{"dominantRefresh":{"kind":"uniform","interval":2},"nonDominantRefresh":{"kind":"uniform","interval":4},"maxAge":6,"latePhaseStart":0.55,"decayDominantWeight":false,"useCache":true,"batchAdapters":true,"lowFrequencyThreshold":null}}""",
            request.GetProperty("options").GetRawText());
        await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);

        // Without LoRAs the base model runs alone: method none with its (default) options, whatever method was named.
        Guid plain = await JobClient.SubmitAsync(fixture.Alice.Http, Request("cmlora", new { cmlora = new { maxAge = 6 } }, steps: 2));
        var stored = (await JobClient.GetAsync(fixture.Alice.Http, plain)).GetProperty("request");
        Assert.Equal("None", stored.GetProperty("method").GetString());
        Assert.Equal("""{"none":{"caching":null,"maxAge":null}}""",
            stored.GetProperty("options").GetRawText());
        await JobClient.WaitAsync(fixture.Alice.Http, plain, JobClient.IsFinal);
    }

    [Fact]
    public async Task NonDefaultCmLoraOptionsAreRunRecordedEmbeddedAndRestoredAsync()
    {
        var options = new
        {
            cmlora = new
            {
                dominantRefresh = new { interval = 1 }, nonDominantRefresh = new { kind = "quadratic", interval = 2, centerFraction = 0.5 },
                maxAge = 5, latePhaseStart = 0.3, decayDominantWeight = true,
            },
        };
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, Request("cmlora", options, TinyLora(0.8), steps: 4, seed: 77));
        var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);
        Assert.True(JobClient.Status(job) == "Finished", job.ToString());
        Guid imageId = job.GetProperty("imageIds")[0].GetGuid();

        // The recipe records the options as the engine ran them.
        using var meta = JsonDocument.Parse(await fixture.Alice.Http.GetStringAsync($"/api/images/{imageId}"));
        var recipe = meta.RootElement.GetProperty("recipe");
        Assert.Equal(
            """{"method":"cmlora","dominantRefresh":{"kind":"uniform","interval":1},"nonDominantRefresh":{"kind":"quadratic","interval":2,"centerFraction":0.5,"power":1.4},"maxAge":5,"latePhaseStart":0.3,"decayDominantWeight":true,"useCache":true,"batchAdapters":true,"ordering":{"lowFrequencyThreshold":null}}""",
            recipe.GetProperty("options").GetRawText());
        Assert.Equal("cmlora", recipe.GetProperty("method").GetString());
        Assert.Equal(1, recipe.GetProperty("schema").GetInt32());
        Assert.Equal(new[] { fixture.TinyLora }, meta.RootElement.GetProperty("loraIds").EnumerateArray().Select(e => e.GetGuid()));

        // The PNG carries exactly the stored recipe as the engine's cmlora-recipe chunk, and the infotext.
        byte[] png = await fixture.Alice.Http.GetByteArrayAsync($"/api/images/{imageId}/png");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(recipe.GetRawText()), JsonNode.Parse(PngChunks.Text(png, "cmlora-recipe")!)));
        string infotext = meta.RootElement.GetProperty("infotext").GetString()!;
        Assert.Equal(infotext, PngChunks.Text(png, "parameters"));
        Assert.Contains("Composition: CMLoRA, Composition options: ", infotext);

        // Importing the PNG (the engine's RecipeImport.FromPng) reads our recipe and restores exactly the job's settings.
        var imported = await ImportAsync(png);
        Assert.Equal("RecipeJson", imported.GetProperty("source").GetString());
        Assert.True(imported.GetProperty("complete").GetBoolean(), imported.ToString());
        Assert.Empty(imported.GetProperty("notes").EnumerateArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(recipe.GetRawText()), JsonNode.Parse(imported.GetProperty("recipe").GetRawText())));
        var submitted = job.GetProperty("request");
        var restored = imported.GetProperty("request");
        foreach (string field in new[] { "prompt", "negativePrompt", "loras", "options", "model", "sampler", "steps", "cfg", "width", "height", "seed", "clipSkip" })
            Assert.True(submitted.GetProperty(field).GetRawText() == restored.GetProperty(field).GetRawText(),
                $"{field}: {submitted.GetProperty(field)} vs {restored.GetProperty(field)}");
        Assert.Equal("cmlora", restored.GetProperty("method").GetString());

        // "Re-run exactly" asks for the same, and makes the same pixels.
        var rerun = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{imageId}/rerun");
        Assert.Equal(restored.GetProperty("options").GetRawText(), rerun.GetProperty("options").GetRawText());
        Assert.Equal(restored.GetProperty("loras").GetRawText(), rerun.GetProperty("loras").GetRawText());
        Assert.Equal(PngChunks.ImageData(png), PngChunks.ImageData(await RunAsync(rerun)));
    }

    [Fact]
    public async Task DifferentOptionsMakeDifferentImagesAndTheSameOptionsTheSameImageAsync()
    {
        var defaults = await RunAsync(Request("cmlora", null, TinyLora(), seed: 5));
        var uncached = new { cmlora = new { useCache = false } };
        var first = await RunAsync(Request("cmlora", uncached, TinyLora(), seed: 5));
        var second = await RunAsync(Request("cmlora", uncached, TinyLora(), seed: 5));
        Assert.Equal(PngChunks.ImageData(first), PngChunks.ImageData(second));
        Assert.NotEqual(PngChunks.ImageData(defaults), PngChunks.ImageData(first));

        var switched = await RunAsync(Request("switch", new { @switch = new { switchStep = 1, caching = new { interval = 2 }, maxAge = 2 } }, TinyLora(), seed: 5));
        var plainSwitch = await RunAsync(Request("switch", null, TinyLora(), seed: 5));
        Assert.NotEqual(PngChunks.ImageData(plainSwitch), PngChunks.ImageData(switched));
    }

    private async Task<byte[]> RunAsync(object request)
    {
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, request);
        var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);
        Assert.True(JobClient.Status(job) == "Finished", job.ToString());
        return await fixture.Alice.Http.GetByteArrayAsync($"/api/images/{job.GetProperty("imageIds")[0].GetGuid()}/png");
    }

    private async Task<JsonElement> ImportAsync(byte[] png)
    {
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await fixture.Alice.Http.PostAsync("/api/images/import", content);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }
}
