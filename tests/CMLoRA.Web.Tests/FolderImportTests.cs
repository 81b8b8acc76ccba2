using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

[Collection(StudioCollection.Name)]
public class FolderImportTests(StudioFixture fixture)
{
    private static readonly byte[] Png1x1 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task AnAdminImportsAnA1111FolderWithItsSidecarsAsync()
    {
        string folder = Directory.CreateTempSubdirectory("cmlora-import-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "sidecar_lora.safetensors"), TestLora.Build("", seed: 901));
            await File.WriteAllTextAsync(Path.Combine(folder, "sidecar_lora.json"), """
                {"description": "Ada in watercolour", "sd version": "SD1", "activation text": "ada, watercolor",
                 "preferred weight": 0.7, "notes": "use with a style LoRA", "negative text": ""}
                """);
            await File.WriteAllTextAsync(Path.Combine(folder, "sidecar_lora.civitai.info"), """
                {"baseModel": "SD 1.5", "trainedWords": ["adalovelace", "ada"]}
                """);
            await File.WriteAllBytesAsync(Path.Combine(folder, "sidecar_lora.preview.png"), Png1x1);
            await File.WriteAllBytesAsync(Path.Combine(folder, "old_model.ckpt"), [0x80, 0x02, 0x7D]);
            await File.WriteAllTextAsync(Path.Combine(folder, "readme.txt"), "not a model");

            using var response = await fixture.Admin.Http.PostAsJsonAsync("/api/loras/import-folder", new { path = folder, visibility = "Team" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
            Assert.Equal(2, results.Count);
            var ckpt = results.Single(r => r.GetProperty("fileName").GetString() == "old_model.ckpt");
            Assert.False(ckpt.GetProperty("stored").GetBoolean());
            Assert.Contains("Pickles can run arbitrary code when loaded", ckpt.GetProperty("error").GetString());

            var stored = results.Single(r => r.GetProperty("fileName").GetString() == "sidecar_lora.safetensors");
            Assert.True(stored.GetProperty("stored").GetBoolean());
            var detail = await fixture.Bob.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{stored.GetProperty("loraId").GetGuid()}");
            Assert.Equal("sidecar_lora", detail.GetProperty("name").GetString()); // empty ss_output_name falls back to the file name
            Assert.Equal("Ada in watercolour", detail.GetProperty("description").GetString());
            Assert.Equal("use with a style LoRA", detail.GetProperty("notes").GetString());
            Assert.Equal(0.7, detail.GetProperty("preferredWeight").GetDouble());
            Assert.Equal(["ada", "watercolor", "adalovelace"], detail.GetProperty("triggerWords").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Equal("Team", detail.GetProperty("visibility").GetString());
            string previewUrl = detail.GetProperty("previewUrl").GetString()!;
            using var preview = await fixture.Bob.Http.GetAsync(previewUrl);
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ImportNeedsAnExistingAbsoluteFolderAsync()
    {
        using var relative = await fixture.Admin.Http.PostAsJsonAsync("/api/loras/import-folder", new { path = "loras" });
        Assert.Contains("give the folder as an absolute path on the server", await relative.Content.ReadAsStringAsync());
        using var missing = await fixture.Admin.Http.PostAsJsonAsync("/api/loras/import-folder", new { path = "/no/such/folder" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("does not exist on the server", await missing.Content.ReadAsStringAsync());
    }
}
