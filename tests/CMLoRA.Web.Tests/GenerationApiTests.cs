using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;
using Microsoft.Data.Sqlite;

namespace CMLoRA.Web.Tests;

/// <summary>Generations through the REST API with the tiny model: submit, run, store, download, recipe, cancel, queue order.</summary>
[Collection(GenerationCollection.Name)]
public class GenerationApiTests(GenerationFixture fixture)
{
    [Fact]
    public async Task SubmittedJobFinishesAndItsImagesCarryTheRecipeAsync()
    {
        var request = JobClient.TinyRequest(steps: 4, batch: 2, seed: 42, method: "cmlora", loras: [new { loraId = fixture.TinyLora, weight = 0.8 }]);
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, request);
        var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal, what: "a final state");
        Assert.True(JobClient.Status(job) == "Finished", job.ToString());
        Assert.Equal(8, job.GetProperty("step").GetInt32());
        Assert.Equal(8, job.GetProperty("totalSteps").GetInt32());
        Assert.Equal("CmLora", job.GetProperty("method").GetString());
        var imageIds = job.GetProperty("imageIds").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Equal(2, imageIds.Count);

        for (int index = 0; index < 2; index++)
        {
            byte[] png = await fixture.Alice.Http.GetByteArrayAsync($"/api/images/{imageIds[index]}/png");
            Assert.Equal((64, 64), JobClient.PngSize(png));
            Assert.True(File.Exists(Path.Combine(fixture.Studio.DataDir, "images", imageIds[index] + ".png")));

            using var meta = JsonDocument.Parse(await fixture.Alice.Http.GetStringAsync($"/api/images/{imageIds[index]}"));
            var image = meta.RootElement;
            Assert.Equal(index, image.GetProperty("batchIndex").GetInt32());
            Assert.Equal(42 + index, image.GetProperty("seed").GetInt64());
            Assert.Equal("CmLora", image.GetProperty("method").GetString());
            Assert.Matches("^[0-9a-f]{10}$", image.GetProperty("modelHash").GetString());
            Assert.Equal("tiny-model", image.GetProperty("modelName").GetString());
            // The recipe is the engine's (docs/recipes.md), the same JSON as the PNG's cmlora-recipe chunk.
            var recipe = image.GetProperty("recipe");
            Assert.Equal(1, recipe.GetProperty("schema").GetInt32());
            Assert.Equal(42 + index, recipe.GetProperty("seed").GetInt64());
            Assert.Equal("a red cube on a table", recipe.GetProperty("prompt").GetString());
            Assert.Equal("euler", recipe.GetProperty("sampler").GetString());
            Assert.Equal(4, recipe.GetProperty("steps").GetInt32());
            Assert.Equal(5.0, recipe.GetProperty("cfgScale").GetDouble());
            Assert.Equal("cmlora", recipe.GetProperty("method").GetString());
            Assert.Equal("cmlora", recipe.GetProperty("options").GetProperty("method").GetString());
            Assert.Equal(("tiny-model", "diffusers", image.GetProperty("modelHash").GetString()),
                (recipe.GetProperty("model").GetProperty("name").GetString(), recipe.GetProperty("model").GetProperty("format").GetString(),
                    recipe.GetProperty("model").GetProperty("autoV2").GetString()));
            var lora = Assert.Single(recipe.GetProperty("loras").EnumerateArray());
            Assert.Equal("tiny_lora", lora.GetProperty("name").GetString());
            Assert.Equal(TestLora.Sha256(fixture.TinyLoraBytes), lora.GetProperty("sha256").GetString());
            Assert.Equal(TestLora.DataSha256(fixture.TinyLoraBytes), lora.GetProperty("autoV3").GetString());
            Assert.Equal(0.8, lora.GetProperty("weight").GetDouble());
            Assert.Equal(fixture.TinyLora, Assert.Single(image.GetProperty("loraIds").EnumerateArray()).GetGuid());
            string infotext = image.GetProperty("infotext").GetString()!;
            Assert.StartsWith(
                $"a red cube on a table <lora:tiny_lora:0.8>\nNegative prompt: blurry\nSteps: 4, Sampler: Euler, Schedule type: Uniform, CFG scale: 5, Seed: {42 + index}, "
                + $"Size: 64x64, Model hash: {image.GetProperty("modelHash").GetString()}, Model: tiny-model, RNG: CPU, "
                + $"Lora hashes: \"tiny_lora: {TestLora.DataSha256(fixture.TinyLoraBytes)[..12]}\", Composition: CMLoRA, Composition options: ",
                infotext);
            Assert.EndsWith($", LoRA order: tiny_lora, Timestep spacing: linspace, Version: CMLoRA {recipe.GetProperty("engineVersion").GetString()}", infotext);
        }

        // The rows are in the database as the API reports them.
        await using var connection = new SqliteConnection($"Data Source={fixture.DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MIN(length(RecipeJson)) FROM GeneratedImages WHERE JobId = $job";
        command.Parameters.AddWithValue("$job", id.ToString().ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2, reader.GetInt32(0));
        Assert.True(reader.GetInt32(1) > 200);
    }

    [Fact]
    public async Task TheSameSeedMakesTheSameImageAsync()
    {
        var request = JobClient.TinyRequest(steps: 3, seed: 7);
        var first = await RunAsync(request);
        var second = await RunAsync(request);
        // The PNGs carry the recipe (with timings) in text chunks; the image data itself must be identical.
        Assert.Equal(ImageData(first), ImageData(second));
        var other = await RunAsync(JobClient.TinyRequest(steps: 3, seed: 8));
        Assert.NotEqual(ImageData(first), ImageData(other));

        async Task<byte[]> RunAsync(object r)
        {
            Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, r);
            var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);
            Assert.Equal("Finished", JobClient.Status(job));
            Guid image = job.GetProperty("imageIds")[0].GetGuid();
            return await fixture.Alice.Http.GetByteArrayAsync($"/api/images/{image}/png");
        }
    }

    /// <summary>The concatenated IDAT chunks of a PNG: its compressed pixels without any metadata chunk.</summary>
    private static byte[] ImageData(byte[] png)
    {
        var data = new List<byte>();
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at, 4));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IDAT") data.AddRange(png.AsSpan(at + 8, length).ToArray());
            at += 12 + length;
        }
        Assert.NotEmpty(data);
        return data.ToArray();
    }

    [Fact]
    public async Task CancellingARunningJobStopsItWithinAStepAsync()
    {
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, JobClient.TinyRequest(steps: 150, batch: 16));
        var running = await JobClient.WaitAsync(fixture.Alice.Http, id, j => JobClient.Status(j) == "Running" && j.GetProperty("step").GetInt32() >= 2,
            what: "running with steps done");
        Assert.Equal(0, running.GetProperty("position").GetInt32());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var cancel = await fixture.Alice.Http.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal, TimeSpan.FromSeconds(30));
        clock.Stop();
        Assert.Equal("Cancelled", JobClient.Status(job));
        Assert.True(job.GetProperty("step").GetInt32() < 150 * 16);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed}");

        using var again = await fixture.Alice.Http.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("The job is already cancelled; only waiting or running jobs can be cancelled.", await again.Content.ReadAsStringAsync());
    }
}
