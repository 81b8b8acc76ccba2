using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.World;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// The studio on its shipped defaults: the built-in model (models/builtin) and its ten demo LoRAs registered on first
/// start. A member composes three of them (a clothing item, a background and a style) with CMLoRA and the world's
/// concept classifier finds all three concepts in the image, so a broken default model, demo LoRA, profile ordering
/// or composition path fails here. Weight 2 makes up for CMLoRA averaging three predictions; the seed is pinned
/// because this composition shows all three concepts at 4 of 6 seeds (docs/builtin-model.md gives the rates).
/// </summary>
public class BuiltInDemoFlowTests
{
    private static readonly string[] DemoTriggers = ["boovik", "fendrel", "kazzuk", "kronvel", "nimbrae", "quillop", "thalvoo", "vashtor", "zipplet", "zorbly"];

    [Fact]
    public async Task AMemberComposesThreeDemoLorasWithCmLoraAndGetsAllThreeConceptsAsync()
    {
        var environment = TestAccounts.AdminEnvironment();
        environment["Studio__DemoLoraDir"] = Path.Combine(RepoRoot.Path, "models", "builtin", "loras");
        await using var studio = await StudioProcess.StartAsync(environment: environment, timeout: TimeSpan.FromMinutes(5));
        using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
        await admin.CreateAccountAsync(StudioFixture.BobEmail, "Bob");
        using var bob = await StudioSession.SignInAsync(studio, StudioFixture.BobEmail);

        var page = await bob.Http.GetFromJsonAsync<JsonElement>("/api/loras?sort=Name&pageSize=100");
        var items = page.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!, i => i);
        Assert.Equal(DemoTriggers, items.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.All(items.Values, i => Assert.Equal(JsonValueKind.Number, i.GetProperty("frequencyScore").ValueKind));

        string[] picked = ["kronvel", "nimbrae", "vashtor"];
        var request = new Dictionary<string, object?>
        {
            ["prompt"] = "a red circle character wearing a kronvel, on a nimbrae background, vashtor style",
            ["loras"] = picked.Select(name => new { loraId = items[name].GetProperty("id").GetGuid(), weight = 2.0 }).ToArray(),
            ["method"] = "cmlora",
            ["sampler"] = "dpmpp2m",
            ["steps"] = 20,
            ["cfg"] = 7.5,
            ["width"] = 64,
            ["height"] = 64,
            ["seed"] = 1,
        };
        Guid id = await JobClient.SubmitAsync(bob.Http, request);
        var job = await JobClient.WaitAsync(bob.Http, id, JobClient.IsFinal, TimeSpan.FromMinutes(5), "a final state");
        Assert.True(JobClient.Status(job) == "Finished", job.ToString());
        byte[] png = await bob.Http.GetByteArrayAsync($"/api/images/{job.GetProperty("imageIds")[0].GetGuid()}/png");

        var score = ConceptCheck.Score(ConceptClassifier.LoadBuiltIn(), png, ConceptCheck.Resolve(picked));
        Assert.True(score.AllPresent, string.Join(", ", score.Probabilities.Select(p => $"{p.Key} {p.Value:F3}")));
    }
}
