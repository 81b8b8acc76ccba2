using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

[Collection(StudioCollection.Name)]
public class CollectionTests(StudioFixture fixture) : IAsyncLifetime
{
    private Guid _style, _character, _xl;

    public async Task InitializeAsync()
    {
        int seed = Random.Shared.Next(10_000, 1_000_000);
        _style = await fixture.Alice.UploadLoraAsync(TestLora.Build("coll_style", seed: seed), visibility: "Team");
        _character = await fixture.Alice.UploadLoraAsync(TestLora.Build("coll_character", seed: seed + 1), visibility: "Team");
        // An SDXL LoRA: the cross-attention key takes the 2048-wide text embedding.
        byte[] xl = TestLora.Serialize(
        [
            new TestLora.Tensor("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight", "F16", [4, 2048], new byte[4 * 2048 * 2 - (seed % 2) * 0]),
            new TestLora.Tensor("lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_up.weight", "F16", [640, 4], BitConverter.GetBytes(seed).Concat(new byte[640 * 4 * 2 - 4]).ToArray()),
        ], new Dictionary<string, string> { ["ss_output_name"] = "coll_xl" });
        _xl = await fixture.Alice.UploadLoraAsync(xl, "coll_xl.safetensors", "Team");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private object Recipe(string name, string visibility = "Private", params (Guid Id, double Weight)[] items) =>
        MethodRecipe("CmLora", name, visibility, items);

    private static object MethodRecipe(string method, string name, string visibility, params (Guid Id, double Weight)[] items) => new
    {
        name, visibility, method, baseModel = "SD 1.x", optionsJson = "{}",
        items = items.Select(i => new { loraId = i.Id, weight = i.Weight }),
    };

    private async Task<JsonElement> CreateAsync(StudioSession session, object recipe)
    {
        using var response = await session.Http.PostAsJsonAsync("/api/collections", recipe);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task EachChangeWritesANewVersionAsync()
    {
        var created = await CreateAsync(fixture.Alice, Recipe("Ada in watercolour", "Team", (_character, 0.8), (_style, 0.6)));
        Guid id = created.GetProperty("id").GetGuid();
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal(["coll_character", "coll_style"], created.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("loraName").GetString()!).ToArray());

        // Reorder and reweigh.
        using (var update = await fixture.Alice.Http.PutAsJsonAsync($"/api/collections/{id}", Recipe("Ada in watercolour", "Team", (_style, 0.5), (_character, 0.9))))
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var detail = await fixture.Bob.Http.GetFromJsonAsync<JsonElement>($"/api/collections/{id}");
        Assert.Equal(2, detail.GetProperty("version").GetInt32());
        Assert.Equal([0.5, 0.9], detail.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("weight").GetDouble()).ToArray());
        Assert.Equal(["edited", "created"], detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("change").GetString()!).ToArray());
        Assert.False(detail.GetProperty("canEdit").GetBoolean()); // Bob reads a team collection but does not own it
    }

    [Fact]
    public async Task DuplicateMakesAPrivateCopyForTheCallerAsync()
    {
        var source = await CreateAsync(fixture.Alice, Recipe("Shared recipe", "Team", (_style, 1.0)));
        using var response = await fixture.Bob.Http.PostAsync($"/api/collections/{source.GetProperty("id").GetGuid()}/duplicate", null);
        var copy = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Copy of Shared recipe", copy.GetProperty("name").GetString());
        Assert.Equal("Bob", copy.GetProperty("ownerName").GetString());
        Assert.Equal("Private", copy.GetProperty("visibility").GetString());
        Assert.True(copy.GetProperty("canEdit").GetBoolean());
        Assert.Equal("duplicated from “Shared recipe” v1", copy.GetProperty("versions")[0].GetProperty("change").GetString());
    }

    [Fact]
    public async Task DeleteIsSoftAndCanBeUndoneAsync()
    {
        var created = await CreateAsync(fixture.Alice, Recipe("Short-lived", "Team", (_style, 1.0)));
        Guid id = created.GetProperty("id").GetGuid();
        using (var delete = await fixture.Alice.Http.DeleteAsync($"/api/collections/{id}"))
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        using (var hidden = await fixture.Bob.Http.GetAsync($"/api/collections/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        var deleted = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>("/api/collections?deleted=true");
        Assert.Contains(deleted.EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);

        using (var restore = await fixture.Alice.Http.PostAsync($"/api/collections/{id}/restore", null))
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        var detail = await fixture.Bob.Http.GetFromJsonAsync<JsonElement>($"/api/collections/{id}");
        Assert.Equal(["restored", "deleted", "created"], detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("change").GetString()!).ToArray());
    }

    [Fact]
    public async Task PreflightExplainsBaseModelDuplicatesWeightsAndMissingLorasAsync()
    {
        var created = await CreateAsync(fixture.Alice, MethodRecipe("Merge", "Troubled", "Private", (_style, 1.2), (_style, 0.8), (_xl, 1.0), (_character, 0)));
        var messages = created.GetProperty("preflight").GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("message").GetString()!).ToList();
        Assert.Contains("“coll_xl” was made for SDXL, but this collection targets SD 1.x; it will not apply.", messages);
        Assert.Contains("“coll_style” appears 2 times; its effect would be applied twice. Keep one and adjust its weight.", messages);
        Assert.Contains("“coll_character” has weight 0 and does nothing.", messages);
        Assert.Contains("The weights add up to 3. Above about 2 LoRAs tend to overpower each other and the base model; consider lowering some.", messages);
        Assert.Equal(3.0, created.GetProperty("preflight").GetProperty("summedWeight").GetDouble());

        // Delete a LoRA the collection uses: the item stays, reported as missing.
        Guid doomed = await fixture.Alice.UploadLoraAsync(TestLora.Build("coll_doomed", seed: Random.Shared.Next(2_000_000, 3_000_000)));
        var withDoomed = await CreateAsync(fixture.Alice, Recipe("Will lose one", "Private", (doomed, 0.7)));
        using (await fixture.Alice.Http.DeleteAsync($"/api/loras/{doomed}")) { }
        var after = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/collections/{withDoomed.GetProperty("id").GetGuid()}");
        Assert.True(after.GetProperty("items")[0].GetProperty("missing").GetBoolean());
        Assert.Equal("“coll_doomed” is missing: it was deleted from the library.", after.GetProperty("preflight").GetProperty("issues")[0].GetProperty("message").GetString());

        // CMLoRA applies each LoRA in its own prediction: the same sum is no warning, but one weight above 2 is.
        using (var averaged = await fixture.Alice.Http.PostAsJsonAsync("/api/collections/preflight", Recipe("y", "Private", (_style, 1.5), (_character, 1.5))))
            Assert.Equal(["The weights add up to 3; CMLoRA applies each LoRA on its own, so each weight counts separately."],
                (await averaged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("message").GetString()!).ToArray());
        using (var heavy = await fixture.Alice.Http.PostAsJsonAsync("/api/collections/preflight", Recipe("z", "Private", (_style, 2.5), (_character, 0.5))))
            Assert.Contains("“coll_style” has weight 2.5. Above about 2 a LoRA tends to overpower the base model; consider lowering it.",
                (await heavy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("message").GetString()!));

        // A clean recipe only reports its sum.
        using var clean = await fixture.Alice.Http.PostAsJsonAsync("/api/collections/preflight", Recipe("x", "Private", (_style, 0.7), (_character, 0.6)));
        var report = await clean.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["The weights add up to 1.3; CMLoRA applies each LoRA on its own, so each weight counts separately."], report.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("message").GetString()!).ToArray());
    }

    [Fact]
    public async Task ACollectionCannotUseAnotherMembersPrivateLoraAsync()
    {
        Guid secret = await fixture.Alice.UploadLoraAsync(TestLora.Build("coll_secret", seed: Random.Shared.Next(3_000_000, 4_000_000)));
        using var response = await fixture.Bob.Http.PostAsJsonAsync("/api/collections", Recipe("Stolen", "Private", (secret, 1.0)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"LoRA {secret} is not in your library", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)]
    [InlineData("owner", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK)]
    public async Task PrivateCollectionsAreOnlyForTheirOwnerAndAdminsAsync(string caller, HttpStatusCode read, HttpStatusCode edit, HttpStatusCode duplicate, HttpStatusCode delete)
    {
        var created = await CreateAsync(fixture.Alice, Recipe("Alice's own", "Private", (_style, 1.0)));
        Guid id = created.GetProperty("id").GetGuid();
        var session = fixture.As(caller);
        using (var r = await session.Http.GetAsync($"/api/collections/{id}")) Assert.Equal(read, r.StatusCode);
        using (var r = await session.Http.PutAsJsonAsync($"/api/collections/{id}", Recipe("renamed", "Private", (_style, 0.5)))) Assert.Equal(edit, r.StatusCode);
        using (var r = await session.Http.PostAsync($"/api/collections/{id}/duplicate", null)) Assert.Equal(duplicate, r.StatusCode);
        using (var r = await session.Http.DeleteAsync($"/api/collections/{id}")) Assert.Equal(delete, r.StatusCode);
        if (caller != "anonymous")
        {
            var list = await session.Http.GetFromJsonAsync<JsonElement>("/api/collections");
            Assert.Equal(read == HttpStatusCode.OK && delete != HttpStatusCode.OK, list.EnumerateArray().Any(c => c.GetProperty("id").GetGuid() == id));
        }
    }

    [Fact]
    public async Task TeamMembersMayNotChangeSomeoneElsesTeamCollectionAsync()
    {
        var created = await CreateAsync(fixture.Alice, Recipe("Team recipe", "Team", (_style, 1.0)));
        Guid id = created.GetProperty("id").GetGuid();
        using (var edit = await fixture.Bob.Http.PutAsJsonAsync($"/api/collections/{id}", Recipe("Bob's now", "Team", (_style, 0.5))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
            Assert.Contains("duplicate it to make your own", await edit.Content.ReadAsStringAsync());
        }
        using (var delete = await fixture.Bob.Http.DeleteAsync($"/api/collections/{id}"))
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
    }
}
