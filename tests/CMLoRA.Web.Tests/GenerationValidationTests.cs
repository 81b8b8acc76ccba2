using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>Requests the generation service refuses, with the exact messages users see.</summary>
[Collection(GenerationCollection.Name)]
public class GenerationValidationTests(GenerationFixture fixture)
{
    private async Task<string> RefusedAsync(StudioSession session, Dictionary<string, object?> request)
    {
        using var response = await session.Http.PostAsJsonAsync("/api/jobs", request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    private static Dictionary<string, object?> With(params (string Key, object? Value)[] changes)
    {
        var request = JobClient.TinyRequest();
        foreach (var (key, value) in changes) request[key] = value;
        return request;
    }

    [Fact]
    public async Task EveryOutOfRangeValueIsNamedAsync()
    {
        string detail = await RefusedAsync(fixture.Alice, With(("steps", 0), ("cfg", 31.5), ("width", 65), ("height", 4096), ("batchCount", 17),
            ("sampler", "heun"), ("method", "blend")));
        Assert.Equal(
            "Steps must be between 1 and 150 (got 0). CFG scale must be between 0 and 30 (got 31.5). "
            + "Width must be a multiple of 8 between 64 and 2048 (got 65). Height must be a multiple of 8 between 64 and 2048 (got 4096). "
            + "Batch count must be between 1 and 16 (got 17). Unknown sampler 'heun': use dpmpp2m, ddim, euler, euler_a. "
            + "Unknown composition method 'blend': use none, merge, switch, composite, cmlora.",
            detail);
    }

    [Theory]
    [InlineData("steps", 151, "Steps must be between 1 and 150 (got 151).")]
    [InlineData("cfg", -1, "CFG scale must be between 0 and 30 (got -1).")]
    [InlineData("width", 56, "Width must be a multiple of 8 between 64 and 2048 (got 56).")]
    [InlineData("height", 100, "Height must be a multiple of 8 between 64 and 2048 (got 100).")]
    [InlineData("batchCount", 0, "Batch count must be between 1 and 16 (got 0).")]
    [InlineData("seed", -2, "Seed must be 0 or more, or -1 for a random seed (got -2).")]
    public async Task OneBadValueAsync(string field, object value, string message) =>
        Assert.Equal(message, await RefusedAsync(fixture.Alice, With((field, value))));

    [Fact]
    public async Task UnknownLoraAsync()
    {
        var missing = Guid.NewGuid();
        Assert.Equal($"LoRA {missing} is not in the library (unknown, deleted, or private to another member).",
            await RefusedAsync(fixture.Alice, With(("method", "merge"), ("loras", new[] { new { loraId = missing, weight = 1.0 } }))));
    }

    [Fact]
    public async Task AnotherMembersPrivateLoraReadsLikeAnUnknownOneAsync() =>
        Assert.Equal($"LoRA {fixture.TinyLora} is not in the library (unknown, deleted, or private to another member).",
            await RefusedAsync(fixture.Bob, With(("method", "merge"), ("loras", new[] { new { loraId = fixture.TinyLora, weight = 1.0 } }))));

    [Fact]
    public async Task LoraForAnotherBaseModelAsync() =>
        Assert.Equal("LoRA 'xl_style' is for SDXL, but the model 'tiny-model' is SD 1.x.",
            await RefusedAsync(fixture.Alice, With(("method", "cmlora"), ("loras", new[] { new { loraId = fixture.SdxlLora, weight = 1.0 } }))));

    [Fact]
    public async Task TooManyLorasAndDuplicatesAsync()
    {
        var loras = Enumerable.Repeat(new { loraId = fixture.TinyLora, weight = 1.0 }, 9).ToArray();
        Assert.Equal($"Too many LoRAs: at most 8 per image (got 9). LoRA {fixture.TinyLora} is listed twice.",
            await RefusedAsync(fixture.Alice, With(("method", "composite"), ("loras", loras))));
    }

    [Fact]
    public async Task LorasWithMethodNoneAndWeightOutOfRangeAsync() =>
        Assert.Equal("LoRAs were given but the composition method is 'none'; choose merge, switch, composite or cmlora. "
            + "LoRA 'tiny_lora' has weight 5; weights must be between -4 and 4.",
            await RefusedAsync(fixture.Alice, With(("method", "none"), ("loras", new[] { new { loraId = fixture.TinyLora, weight = 5.0 } }))));

    [Fact]
    public async Task NothingIsQueuedForARefusedRequestAsync()
    {
        await RefusedAsync(fixture.Bob, With(("steps", 0)));
        using var mine = JsonDocument.Parse(await fixture.Bob.Http.GetStringAsync("/api/jobs/mine"));
        Assert.DoesNotContain(mine.RootElement.EnumerateArray(), j => j.GetProperty("steps").GetInt32() == 0);
    }
}
