using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// Karras sigmas through the REST API: a request's <c>karras</c> reaches the engine (other pixels than without it), the
/// recipe and infotext record it, "re-run exactly" and the PNG import keep it, and DDIM refuses it with a message.
/// </summary>
[Collection(GenerationCollection.Name)]
public class KarrasSigmasTests(GenerationFixture fixture)
{
    private static Dictionary<string, object?> Request(bool? karras, string sampler = "euler", long seed = 31)
    {
        var request = JobClient.TinyRequest(steps: 4, seed: seed, sampler: sampler);
        request["karras"] = karras;
        return request;
    }

    private async Task<(JsonElement Job, Guid ImageId, byte[] Png)> RunAsync(object request)
    {
        Guid id = await JobClient.SubmitAsync(fixture.Alice.Http, request);
        var job = await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);
        Assert.True(JobClient.Status(job) == "Finished", job.ToString());
        Guid imageId = job.GetProperty("imageIds")[0].GetGuid();
        return (job, imageId, await fixture.Alice.Http.GetByteArrayAsync($"/api/images/{imageId}/png"));
    }

    [Fact]
    public async Task KarrasIsRunRecordedAndKeptByReRunAndImportAsync()
    {
        var (job, imageId, png) = await RunAsync(Request(karras: true));
        Assert.True(job.GetProperty("request").GetProperty("karras").GetBoolean());

        var image = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{imageId}");
        Assert.True(image.GetProperty("recipe").GetProperty("karras").GetBoolean());
        Assert.Equal("euler", image.GetProperty("recipe").GetProperty("sampler").GetString());
        Assert.Contains("Sampler: Euler, Schedule type: Karras,", image.GetProperty("infotext").GetString());

        // The engine ran it: the same request without Karras makes other pixels.
        var (_, plainId, plainPng) = await RunAsync(Request(karras: false));
        var plain = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{plainId}");
        Assert.False(plain.GetProperty("recipe").GetProperty("karras").GetBoolean());
        Assert.Contains("Schedule type: Uniform,", plain.GetProperty("infotext").GetString());
        Assert.NotEqual(PngChunks.ImageData(plainPng), PngChunks.ImageData(png));

        // Re-run exactly asks for Karras again, and the re-run's recipe and pixels are the original's.
        var rerun = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{imageId}/rerun");
        Assert.True(rerun.GetProperty("karras").GetBoolean());
        var (_, againId, againPng) = await RunAsync(rerun);
        var again = await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{againId}");
        Assert.True(again.GetProperty("recipe").GetProperty("karras").GetBoolean());
        Assert.Equal(PngChunks.ImageData(png), PngChunks.ImageData(againPng));

        // So does the plain image's re-run (explicitly off), and importing the Karras PNG (what "open in Generate" restores from).
        Assert.False((await fixture.Alice.Http.GetFromJsonAsync<JsonElement>($"/api/images/{plainId}/rerun")).GetProperty("karras").GetBoolean());
        using var content = new ByteArrayContent(png);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        using var imported = await fixture.Alice.Http.PostAsync("/api/images/import", content);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.True((await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request").GetProperty("karras").GetBoolean());
    }

    [Fact]
    public async Task DdimRefusesKarrasWithTheReasonAsync()
    {
        using var response = await fixture.Alice.Http.PostAsJsonAsync("/api/jobs", Request(karras: true, sampler: "ddim"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal(
            "Karras sigmas are not available for the ddim sampler, which steps in alphas_cumprod; use dpmpp2m, euler or euler_a, or turn Karras off.",
            JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());

        // Off (or left to the model) is fine for DDIM.
        using var off = await fixture.Alice.Http.PostAsJsonAsync("/api/jobs", Request(karras: false, sampler: "ddim"));
        Assert.Equal(HttpStatusCode.Created, off.StatusCode);
        Guid id = (await off.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await JobClient.WaitAsync(fixture.Alice.Http, id, JobClient.IsFinal);
    }
}
