using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// Base-model choice: GET /api/models (signed-in members only) lists the default, the models folder's diffusers
/// folders and single-file checkpoints, and refuses pickles and other families with the reason; requests name a listed
/// model (never a path); the worker switches models between jobs and each recipe records its model's content hash.
/// </summary>
[Collection(GenerationCollection.Name)]
public class ModelChoiceTests(GenerationFixture fixture)
{
    private const string PickleReason =
        ".ckpt files are PyTorch pickles, which can run arbitrary code when loaded; the studio never opens them. Convert it to .safetensors with a tool you trust.";

    [Fact]
    public async Task AnonymousCallersCannotListModelsAsync()
    {
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        using var response = await anonymous.Http.GetAsync("/api/models");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("other member")]
    [InlineData("admin")]
    public async Task EverySignedInMemberListsTheModelsAsync(string caller)
    {
        var session = caller == "admin" ? fixture.Admin : fixture.Bob;
        var models = await session.Http.GetFromJsonAsync<JsonElement>("/api/models");
        // The built-in model (models/builtin in the repository) is listed too when it has been trained; it is not part of this test.
        var listed = models.EnumerateArray().Where(m => !m.GetProperty("isBuiltIn").GetBoolean())
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("format").GetString(), m.GetProperty("baseModel").GetString(),
                m.GetProperty("isDefault").GetBoolean(), m.GetProperty("available").GetBoolean(), m.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal(
        [
            ("tiny-model", "diffusers", "SD 1.x", true, true, null),
            ("legacy", "pickle", "Unknown", false, false, PickleReason),
            ("not-a-model", "single-file", "Unknown", false, false,
                "Not a Stable Diffusion checkpoint: it has no model.diffusion_model.* weights (a LoRA, VAE or embedding?)."),
            ("tiny-copy", "diffusers", "SD 1.x", false, true, null),
            ("xl-checkpoint", "single-file", "SDXL", false, false, "An SDXL checkpoint; the studio runs SD 1.x models only."),
        ], listed);
        // No path leaves the server.
        Assert.DoesNotContain(fixture.ModelsDir, models.GetRawText());
    }

    private async Task<string> RefusedAsync(Dictionary<string, object?> request)
    {
        using var response = await fixture.Alice.Http.PostAsJsonAsync("/api/jobs", request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    private static Dictionary<string, object?> WithModel(string? model, string method = "none", object[]? loras = null)
    {
        var request = JobClient.TinyRequest(steps: 3, seed: 3, method: method, loras: loras);
        request["model"] = model;
        return request;
    }

    [Fact]
    public async Task UnknownRefusedAndPathLikeModelsAreRejectedAsync()
    {
        var models = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>("/api/models");
        string usable = string.Join(", ", models.EnumerateArray().Where(m => m.GetProperty("available").GetBoolean()).Select(m => m.GetProperty("name").GetString()));
        Assert.Equal($"Unknown model 'sd15': choose one of {usable}.", await RefusedAsync(WithModel("sd15")));
        Assert.Equal($"Model 'legacy' cannot be used: {PickleReason}", await RefusedAsync(WithModel("legacy")));
        Assert.Equal("Model 'xl-checkpoint' cannot be used: An SDXL checkpoint; the studio runs SD 1.x models only.", await RefusedAsync(WithModel("xl-checkpoint")));
        // A request names a listed model, never a path: paths to real model folders are unknown names.
        foreach (string path in new[] { fixture.CopyDir, "../tiny-copy", Path.Combine(fixture.ModelDir, "tiny-model"), "tiny-copy/unet" })
            Assert.Equal($"Unknown model '{path}': choose one of {usable}.", await RefusedAsync(WithModel(path)));
    }

    [Fact]
    public async Task ALoraOfAnotherFamilyNamesTheChosenModelAsync() =>
        Assert.Equal("LoRA 'xl_style' is for SDXL, but the model 'tiny-copy' is SD 1.x.",
            await RefusedAsync(WithModel("tiny-copy", "cmlora", [new { loraId = fixture.SdxlLora, weight = 1.0 }])));

    [Fact]
    public async Task TheWorkerSwitchesModelsAndEachRecipeRecordsItsModelsHashAsync()
    {
        string copyHash = FolderDigest(fixture.CopyDir), defaultHash = FolderDigest(Path.Combine(fixture.ModelDir, "tiny-model"));
        Assert.NotEqual(copyHash, defaultHash);

        var first = await RunAsync("tiny-copy");
        var second = await RunAsync(null);
        Assert.Contains("Switching model from tiny-copy to tiny-model", fixture.Studio.Log);
        var third = await RunAsync("TINY-COPY"); // names match case-insensitively; the recipe keeps the listed spelling
        Assert.Contains("Switching model from tiny-model to tiny-copy", fixture.Studio.Log);

        Assert.Equal(("tiny-copy", "diffusers", copyHash, copyHash[..10]), first.Model);
        Assert.Equal(("tiny-model", "diffusers", defaultHash, defaultHash[..10]), second.Model);
        Assert.Equal(first.Model, third.Model);
        Assert.Equal(("trailing", "linspace"), (first.Spacing, second.Spacing));
        Assert.Equal((copyHash[..10], "tiny-copy"), (first.Image.GetProperty("modelHash").GetString(), first.Image.GetProperty("modelName").GetString()));
        Assert.Equal("tiny-copy", first.Job.GetProperty("model").GetString());
        Assert.Equal("tiny-model", second.Job.GetProperty("model").GetString());

        // The copy's own scheduler file really ran: other timesteps, another image; the same model again, the same image.
        Assert.NotEqual(PngChunks.ImageData(first.Png), PngChunks.ImageData(second.Png));
        Assert.Equal(PngChunks.ImageData(first.Png), PngChunks.ImageData(third.Png));
        Assert.Contains($"Model hash: {copyHash[..10]}, Model: tiny-copy", first.Image.GetProperty("infotext").GetString());
    }

    private async Task<(JsonElement Job, JsonElement Image, byte[] Png, (string?, string?, string?, string?) Model, string? Spacing)> RunAsync(string? model)
    {
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, WithModel(model));
        var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);
        Assert.True(JobClient.Status(job) == "Finished", job.ToString());
        Guid imageId = job.GetProperty("imageIds")[0].GetGuid();
        var image = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{imageId}");
        byte[] png = await fixture.Alice.Http.GetByteArrayAsync($"/api/images/{imageId}/png");
        var m = image.GetProperty("recipe").GetProperty("model");
        return (job, image, png,
            (m.GetProperty("name").GetString(), m.GetProperty("format").GetString(), m.GetProperty("sha256").GetString(), m.GetProperty("autoV2").GetString()),
            image.GetProperty("recipe").GetProperty("timestepSpacing").GetString());
    }

    /// <summary>
    /// The content hash of a diffusers folder as docs/recipes.md defines it: SHA-256 of every weight, configuration and
    /// tokenizer file, then SHA-256 over the lines "relative/path\nsha256\n" sorted by path.
    /// </summary>
    private static string FolderDigest(string folder)
    {
        string[] extensions = [".safetensors", ".bin", ".ckpt", ".pt", ".pth", ".json", ".txt", ".model"];
        var listing = new StringBuilder();
        foreach (var (file, relative) in Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                     .Select(f => (f, Path.GetRelativePath(folder, f).Replace('\\', '/')))
                     .Where(f => extensions.Contains(Path.GetExtension(f.f).ToLowerInvariant()))
                     .OrderBy(f => f.Item2, StringComparer.Ordinal))
            listing.Append(relative).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }
}
