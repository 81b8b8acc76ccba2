using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

[Collection(StudioCollection.Name)]
public class LibraryUploadTests(StudioFixture fixture)
{
    [Fact]
    public async Task AnUploadedLoraIsStoredByContentWithHashesAndMetadataAsync()
    {
        byte[] file = TestLora.Build("meta_probe", rank: 4, seed: 11, alpha: 2f);
        Guid id = await fixture.Alice.UploadLoraAsync(file, "My Meta Probe.safetensors");

        var detail = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{id}");
        string sha = TestLora.Sha256(file);
        Assert.Equal(sha, detail.GetProperty("sha256").GetString());
        Assert.Equal(sha[..10], detail.GetProperty("autoV2").GetString());
        Assert.Equal(TestLora.DataSha256(file), detail.GetProperty("autoV3").GetString());
        Assert.Equal(TestLora.DataSha256(file)[..12], detail.GetProperty("autoV3Short").GetString());
        Assert.Equal("meta_probe", detail.GetProperty("name").GetString()); // ss_output_name wins over the file name
        Assert.Equal("My Meta Probe.safetensors", detail.GetProperty("fileName").GetString());
        Assert.Equal("SD 1.x", detail.GetProperty("baseModel").GetString());
        Assert.Equal("kohya", detail.GetProperty("format").GetString());
        Assert.Equal(4, detail.GetProperty("rank").GetInt32());
        Assert.Equal(2.0, detail.GetProperty("alpha").GetDouble());
        Assert.Equal(2, detail.GetProperty("moduleCount").GetInt32());
        Assert.Equal(file.Length, detail.GetProperty("fileSize").GetInt64());
        Assert.Equal("networks.lora", detail.GetProperty("networkModule").GetString());
        // The engine suggests ss_output_name, then tags by count merged across dataset folders: ada 20, smile 5+9, red hair 12, outdoors 3.
        Assert.Equal(["meta_probe", "ada", "smile", "red hair", "outdoors"],
            detail.GetProperty("suggestedTriggerWords").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("sd_v1", detail.GetProperty("metadata").GetProperty("ss_base_model_version").GetString());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("profile").GetProperty("score").ValueKind);

        Assert.True(File.Exists(Path.Combine(fixture.Studio.DataDir, "loras", sha + ".safetensors")));
        Assert.Equal(file, await File.ReadAllBytesAsync(Path.Combine(fixture.Studio.DataDir, "loras", sha + ".safetensors")));
    }

    [Fact]
    public async Task TheFrequencyProfileColumnsReachTheDetailOnceFilledAsync()
    {
        Guid id = await fixture.Alice.UploadLoraAsync(TestLora.Build("profiled", seed: 71));
        var before = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{id}");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("profile").GetProperty("radialSpectrum").ValueKind);

        // The profiler (a later part) writes these columns; the library shows whatever is there.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fixture.DatabasePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE Loras SET FrequencyScore = 0.42, FrequencyGroup = 'high', RadialSpectrumJson = '[1.0,0.5,0.25]' WHERE Id = $id";
            command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        var profile = (await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{id}")).GetProperty("profile");
        Assert.Equal(0.42, profile.GetProperty("score").GetDouble());
        Assert.Equal("high", profile.GetProperty("group").GetString());
        Assert.Equal([1.0, 0.5, 0.25], profile.GetProperty("radialSpectrum").EnumerateArray().Select(v => v.GetDouble()).ToArray());
    }

    [Fact]
    public async Task ASecondUploadOfTheSameFilePointsToTheFirstAsync()
    {
        byte[] file = TestLora.Build("dedupe", seed: 21);
        Guid first = await fixture.Alice.UploadLoraAsync(file, "dedupe.safetensors", "Team");
        int rows = await fixture.LoraRowCountAsync();

        using var again = await fixture.Alice.UploadAsync("/api/loras", ("renamed copy.safetensors", file));
        var result = (await again.Content.ReadFromJsonAsync<JsonElement>())[0];
        Assert.True(result.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first, result.GetProperty("loraId").GetGuid());

        // A team member sees Alice's team copy, so their upload points there too.
        using var bob = await fixture.Bob.UploadAsync("/api/loras", ("bobs.safetensors", file));
        Assert.Equal(first, (await bob.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("loraId").GetGuid());
        Assert.Equal(rows, await fixture.LoraRowCountAsync());
        Assert.Single(fixture.StoredFiles().Loras, f => f.EndsWith(TestLora.Sha256(file) + ".safetensors"));
    }

    [Fact]
    public async Task PrivateCopiesOfOneFileShareStorageUntilTheLastIsDeletedAsync()
    {
        byte[] file = TestLora.Build("shared_bytes", seed: 31);
        string stored = Path.Combine(fixture.Studio.DataDir, "loras", TestLora.Sha256(file) + ".safetensors");
        Guid alices = await fixture.Alice.UploadLoraAsync(file);
        Guid bobs = await fixture.Bob.UploadLoraAsync(file); // Alice's is private: Bob gets his own row
        Assert.NotEqual(alices, bobs);

        using (var delete = await fixture.Alice.Http.DeleteAsync($"/api/loras/{alices}"))
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.True(File.Exists(stored));
        using (var delete = await fixture.Bob.Http.DeleteAsync($"/api/loras/{bobs}"))
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.False(File.Exists(stored));
    }

    [Fact]
    public async Task SeveralFilesGoInOneRequestAsync()
    {
        using var response = await fixture.Alice.UploadAsync("/api/loras",
            ("multi_a.safetensors", TestLora.Build("multi_a", seed: 41)), ("multi_b.safetensors", TestLora.Build("multi_b", seed: 42)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["multi_a", "multi_b"], results.EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task EditsAreSavedAttributedAndTimestampedAsync()
    {
        Guid id = await fixture.Alice.UploadLoraAsync(TestLora.Build("editable", seed: 51), visibility: "Team");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var alice = await fixture.Alice.Http.PutAsJsonAsync($"/api/loras/{id}",
                   new { triggerWords = new[] { "ada", "red hair" }, category = "Character", preferredWeight = 0.8, notes = "best at 0.8" }))
            Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        // A team LoRA's trigger words can be improved by any member; the edit records who did it.
        using (var bob = await fixture.Bob.Http.PutAsJsonAsync($"/api/loras/{id}", new { tags = new[] { "portrait", "anime" } }))
            Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

        var detail = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{id}");
        Assert.Equal(["ada", "red hair"], detail.GetProperty("triggerWords").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("Character", detail.GetProperty("category").GetString());
        Assert.Equal(0.8, detail.GetProperty("preferredWeight").GetDouble());
        var edits = detail.GetProperty("edits").EnumerateArray().ToList();
        Assert.Equal(["category", "notes", "preferred weight", "trigger words"],
            edits.Where(e => e.GetProperty("userName").GetString() == "Alice").Select(e => e.GetProperty("field").GetString()!).Order().ToArray());
        var tagEdit = edits.Single(e => e.GetProperty("field").GetString() == "tags");
        Assert.Equal("Bob", tagEdit.GetProperty("userName").GetString());
        Assert.Equal("portrait, anime", tagEdit.GetProperty("newValue").GetString());
        Assert.True(tagEdit.GetProperty("at").GetDateTimeOffset() >= before);

        // The list finds it by trigger word and by tag.
        foreach (string term in new[] { "red hair", "ANIME" })
        {
            var page = await fixture.Bob.Http.GetFromJsonAsync<JsonElement>($"/api/loras?search={Uri.EscapeDataString(term)}");
            Assert.Contains(page.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetGuid() == id);
        }
    }

    [Theory]
    [InlineData("{\"preferredWeight\": 9}", "the preferred weight must be between -5 and 5")]
    [InlineData("{\"name\": \"   \"}", "the name must have 1 to 200 characters")]
    public async Task InvalidEditsAreRefusedAsync(string body, string message)
    {
        Guid id = await fixture.Alice.UploadLoraAsync(TestLora.Build("invalid_edit_" + message.Length, seed: 60 + message.Length));
        using var response = await fixture.Alice.Http.PutAsync($"/api/loras/{id}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }
}
