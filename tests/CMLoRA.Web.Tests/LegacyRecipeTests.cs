using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;
using Microsoft.Data.Sqlite;

namespace CMLoRA.Web.Tests;

/// <summary>
/// Images stored before the studio wrote the engine's recipe keep the studio's older JSON (with library ids inside).
/// They still display (converted to the engine's recipe) and re-run.
/// </summary>
[Collection(GenerationCollection.Name)]
public class LegacyRecipeTests(GenerationFixture fixture)
{
    [Fact]
    public async Task AnImageWithTheOldRecipeShapeStillDisplaysAndRerunsAsync()
    {
        Guid job = await JobClient.SubmitAsync(fixture.Alice.Http,
            JobClient.TinyRequest(steps: 2, seed: 21, method: "cmlora", loras: [new { loraId = fixture.TinyLora, weight = 0.8 }]));
        var done = await JobClient.WaitAsync(fixture.Alice.Http, job, JobClient.IsFinal);
        Guid source = done.GetProperty("imageIds")[0].GetGuid();

        // A row as the studio stored it before: old recipe JSON, no ModelName or LoraIds.
        Guid legacy = Guid.NewGuid();
        string oldJson = $$$"""
            {"format":"cmlora-recipe/1","engineVersion":"0.1.0","torchSharpVersion":"0.107.0",
             "model":{"name":"tiny-model","hash":"0123456789","sha256":"0123456789abcdef"},
             "prompt":"a red cube on a table","negativePrompt":"blurry",
             "loras":[{"libraryId":"{{{fixture.TinyLora}}}","name":"tiny_lora","sha256":"{{{TestLora.Sha256(fixture.TinyLoraBytes)}}}","autoV3":"{{{TestLora.DataSha256(fixture.TinyLoraBytes)}}}","weight":0.8,"order":0}],
             "loraOrder":["tiny_lora"],"method":"CmLora","sampler":"euler","steps":2,"cfg":5,"width":64,"height":64,"seed":21,
             "noiseRng":"cpu-mt19937","clipSkip":1,"batchIndex":0,
             "timings":{"textEncodeSeconds":0.1,"denoiseSeconds":0.2,"decodeSeconds":0.3},
             "stats":{"fullEvaluations":4,"cachedEvaluations":0,"unetCalls":4,"mergedWeights":false}}
            """;
        await using (var connection = new SqliteConnection($"Data Source={fixture.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO GeneratedImages (Id, JobId, OwnerId, BatchIndex, FileName, Width, Height, Seed, RecipeJson, Infotext, Visibility, Starred,
                    CreatedUtc, TextEncodeSeconds, DenoiseSeconds, DecodeSeconds, ModelHash, Method, ModelName, LoraIds)
                SELECT $id, JobId, OwnerId, 7, FileName, Width, Height, Seed, $json, Infotext, Visibility, Starred,
                    CreatedUtc, TextEncodeSeconds, DenoiseSeconds, DecodeSeconds, '0123456789', Method, '', ''
                FROM GeneratedImages WHERE Id = $source
                """;
            command.Parameters.AddWithValue("$id", legacy.ToString().ToUpperInvariant());
            command.Parameters.AddWithValue("$json", oldJson);
            command.Parameters.AddWithValue("$source", source.ToString().ToUpperInvariant());
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var image = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{legacy}");
        Assert.Equal("tiny-model", image.GetProperty("modelName").GetString());
        Assert.Equal(fixture.TinyLora, Assert.Single(image.GetProperty("loraIds").EnumerateArray()).GetGuid());
        var recipe = image.GetProperty("recipe");
        Assert.Equal(1, recipe.GetProperty("schema").GetInt32());
        Assert.Equal(("cmlora", "cmlora", 8), (recipe.GetProperty("method").GetString(), recipe.GetProperty("options").GetProperty("method").GetString(),
            recipe.GetProperty("options").GetProperty("maxAge").GetInt32()));
        Assert.Equal(("tiny-model", "0123456789"), (recipe.GetProperty("model").GetProperty("name").GetString(), recipe.GetProperty("model").GetProperty("autoV2").GetString()));
        var lora = Assert.Single(recipe.GetProperty("loras").EnumerateArray());
        Assert.Equal(("tiny_lora", 0.8), (lora.GetProperty("name").GetString(), lora.GetProperty("weight").GetDouble()));
        Assert.Equal((21, 2, 5.0, "cpu-mt19937"), (recipe.GetProperty("seed").GetInt64(), recipe.GetProperty("steps").GetInt32(),
            recipe.GetProperty("cfgScale").GetDouble(), recipe.GetProperty("rng").GetString()));
        Assert.Equal(4, recipe.GetProperty("stats").GetProperty("fullEvaluations").GetInt32());

        // Re-run exactly: the same LoRA by library id and weight, the model by name, the method's (default) options.
        var rerun = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{legacy}/rerun");
        Assert.Equal($$"""[{"loraId":"{{fixture.TinyLora}}","weight":0.8}]""", rerun.GetProperty("loras").GetRawText());
        Assert.Equal(("cmlora", "tiny-model", 21L, 1), (rerun.GetProperty("method").GetString(), rerun.GetProperty("model").GetString(),
            rerun.GetProperty("seed").GetInt64(), rerun.GetProperty("batchCount").GetInt32()));
        Assert.Equal(8, rerun.GetProperty("options").GetProperty("cmlora").GetProperty("maxAge").GetInt32());
        Guid again = await JobClient.SubmitAsync(fixture.Alice.Http, rerun);
        Assert.Equal("Finished", JobClient.Status(await JobClient.WaitAsync(fixture.Alice.Http, again, JobClient.IsFinal)));
    }
}
