using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// The demo LoRAs of models/builtin/loras registered on first start (here from a temporary folder given as
/// Studio:DemoLoraDir), each start of a real studio process on the same data folder.
/// </summary>
public class DemoLibraryTests
{
    // Registration hashes and renders before the studio listens; on a busy machine that start takes a while.
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    private static Dictionary<string, string> Environment(string demoFolder, bool withAdmin = true)
    {
        var environment = withAdmin ? TestAccounts.AdminEnvironment() : [];
        environment["Studio__DemoLoraDir"] = demoFolder;
        environment["Studio__DefaultModelPath"] = "/nonexistent/model"; // profiling needs a model; these tests use sidecars only
        return environment;
    }

    private static async Task<List<JsonElement>> ListAsync(StudioSession session)
    {
        var page = await session.Http.GetFromJsonAsync<JsonElement>("/api/loras?sort=Name&pageSize=100");
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task DemoLorasAreRegisteredOnceWithCategoryTriggerPreviewAndProfileAndADeletedOneStaysDeletedAsync()
    {
        using var demo = new DemoFolder();
        byte[] boovik = demo.AddLora("boovik", seed: 11);
        byte[] kronvel = demo.AddLora("kronvel", seed: 12);
        demo.AddLora("zipplet", seed: 13);
        File.WriteAllBytes(demo.File("kronvel.preview.png"), DemoFolder.Png1x1);
        demo.AddProfile("kronvel", kronvel, score: 0.0125, group: "High");
        File.WriteAllBytes(demo.File("broken.safetensors"), TestLora.WithHeader("{\"a\": 1", []));
        string dataDir;

        // 1. First start: three LoRAs, the corrupt file skipped with a reason
        await using (var studio = await StudioProcess.StartAsync(environment: Environment(demo.Path), timeout: Slow))
        {
            dataDir = studio.DataDir;
            using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
            await admin.CreateAccountAsync("bob@studio.test", "Bob");
            using var bob = await StudioSession.SignInAsync(studio, "bob@studio.test");

            var items = await ListAsync(bob);
            Assert.Equal(["boovik", "kronvel", "zipplet"], items.Select(i => i.GetProperty("name").GetString()!).ToArray());
            Assert.Equal(["Character", "Clothing", "Object"], items.Select(i => i.GetProperty("category").GetString()!).ToArray());
            Assert.All(items, i => Assert.Equal(TestAccounts.AdminName, i.GetProperty("ownerName").GetString()));
            Assert.All(items, i => Assert.Equal("Team", i.GetProperty("visibility").GetString()));
            Assert.Equal([["boovik"], ["kronvel"], ["zipplet"]], items.Select(i => Strings(i.GetProperty("triggerWords"))).ToArray());
            Assert.Equal([["demo", "training example"], ["demo"], ["demo", "training example"]], items.Select(i => Strings(i.GetProperty("tags"))).ToArray());
            Assert.Contains("Demo LoRA broken.safetensors skipped: not a valid safetensors file", studio.Log);
            Assert.Contains("3 registered, 0 already known, 1 skipped", studio.Log);

            // Previews: rendered training examples (64 px × 8, one per concept), and the sidecar picture for kronvel
            var previews = new List<byte[]>();
            foreach (var item in items)
            {
                using var preview = await bob.Http.GetAsync(item.GetProperty("previewUrl").GetString());
                Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
                Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
                previews.Add(await preview.Content.ReadAsByteArrayAsync());
                Assert.Equal((512, 512), DemoFolder.JpegSize(previews[^1]));
            }
            Assert.Equal(3, previews.Select(Convert.ToHexString).Distinct().Count());

            // Profiles: kronvel's sidecar in the list, on the detail page and as a chart; the others wait for a model
            Assert.Equal(0.0125, items[1].GetProperty("frequencyScore").GetDouble());
            Assert.Equal("High", items[1].GetProperty("frequencyGroup").GetString());
            Assert.Equal(JsonValueKind.Null, items[0].GetProperty("frequencyScore").ValueKind);
            var detail = await bob.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{items[1].GetProperty("id").GetGuid()}");
            var profile = detail.GetProperty("profile");
            Assert.Equal([1.0, 0.667, 0.444, 0.333, 0.278, 0.2625], profile.GetProperty("radialSpectrum").EnumerateArray().Select(e => e.GetDouble()).ToArray());
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), profile.GetProperty("profiledAt").GetDateTimeOffset());
            using var chart = await bob.Http.GetAsync(profile.GetProperty("chartUrl").GetString());
            Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
            Assert.Equal("image/svg+xml", chart.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("<svg", await chart.Content.ReadAsStringAsync());
            Assert.Contains("kronvel", await chart.Content.ReadAsStringAsync());
            var boovikDetail = await bob.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{items[0].GetProperty("id").GetGuid()}");
            Assert.Contains("training example drawn by the world renderer", boovikDetail.GetProperty("description").GetString());
            Assert.Equal(JsonValueKind.Null, boovikDetail.GetProperty("profile").GetProperty("chartUrl").ValueKind);
            Assert.Contains("2 demo LoRA(s) have no frequency profile yet", await WaitForLogAsync(studio, "no frequency profile yet"));
            Assert.Equal(TestLora.Sha256(boovik), boovikDetail.GetProperty("sha256").GetString());

            // The library page lists them for a member
            string html = await bob.Http.GetStringAsync("/library");
            Assert.Contains("training example", html);
        }

        // 2. Second start: nothing new
        await using (var studio = await StudioProcess.StartAsync(dataDir, Environment(demo.Path), Slow))
        {
            Assert.Contains("0 registered, 3 already known, 1 skipped", studio.Log);
            using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
            var items = await ListAsync(admin);
            Assert.Equal(3, items.Count);
            using var deleted = await admin.Http.DeleteAsync($"/api/loras/{items.Single(i => i.GetProperty("name").GetString() == "zipplet").GetProperty("id").GetGuid()}");
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        // 3. Third start: the deleted demo LoRA stays deleted
        await using (var studio = await StudioProcess.StartAsync(dataDir, Environment(demo.Path), Slow))
        {
            using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
            Assert.Equal(["boovik", "kronvel"], (await ListAsync(admin)).Select(i => i.GetProperty("name").GetString()!).ToArray());
            Assert.Contains("0 registered, 3 already known, 1 skipped", studio.Log);
        }
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task AMissingDemoFolderIsLoggedAndTheStudioStartsWithAnEmptyLibraryAsync()
    {
        string missing = Path.Combine(Path.GetTempPath(), "cmlora-no-demo-" + Guid.NewGuid().ToString("N"));
        await using var studio = await StudioProcess.StartAsync(environment: Environment(missing), timeout: Slow);
        Assert.Contains($"No demo LoRA folder at {missing}; the library starts without demo LoRAs", studio.Log);
        using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
        Assert.Empty(await ListAsync(admin));
    }

    [Fact]
    public async Task TestStudiosStartWithTheDemoLibraryTurnedOffAsync()
    {
        await using var studio = await StudioProcess.StartAsync(environment: TestAccounts.AdminEnvironment(), timeout: Slow);
        Assert.Contains("Demo LoRAs are turned off (Studio:DemoLoraDir is empty)", studio.Log);
    }

    [Fact]
    public async Task OnAFreshInstallDemoLorasWaitForTheFirstAdministratorAsync()
    {
        using var demo = new DemoFolder();
        demo.AddLora("nimbrae", seed: 21);
        await using var studio = await StudioProcess.StartAsync(environment: Environment(demo.Path, withAdmin: false), timeout: Slow);
        Assert.Contains("1 demo LoRA(s) in " + demo.Path + " will be registered when the first administrator is created", studio.Log);

        using var admin = await StudioSession.SetupFirstAdminAsync(studio);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonElement> items;
        while ((items = await ListAsync(admin)).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        var nimbrae = Assert.Single(items);
        Assert.Equal("Background", nimbrae.GetProperty("category").GetString());
        Assert.Equal(TestAccounts.AdminName, nimbrae.GetProperty("ownerName").GetString());
        Directory.Delete(studio.DataDir, recursive: true);
    }

    [Fact]
    public async Task ADemoLoraWithoutAProfileIsProfiledInTheBackgroundWithTheDefaultModelAsync()
    {
        using var demo = new DemoFolder();
        string model = CMLoRA.Engine.TestSupport.TinyModelFolder.Create(demo.Path);
        string loras = Directory.CreateDirectory(Path.Combine(demo.Path, "loras")).FullName;
        File.Copy(Path.Combine(CMLoRA.Engine.TestSupport.RepoPaths.TinyReference, "weights", "lora", "lora_kohya.safetensors"),
            Path.Combine(loras, "boovik.safetensors"));
        var environment = Environment(loras);
        environment["Studio__DefaultModelPath"] = model;
        environment["Studio__Device"] = "cpu";
        await using var studio = await StudioProcess.StartAsync(environment: environment, timeout: Slow);
        using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);

        // The studio listens before the profile exists; it appears once the background pass is done.
        var deadline = DateTime.UtcNow.AddMinutes(8);
        JsonElement boovik;
        while ((boovik = Assert.Single(await ListAsync(admin))).GetProperty("frequencyScore").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline)
            await Task.Delay(1000);
        double score = boovik.GetProperty("frequencyScore").GetDouble();
        Assert.True(double.IsFinite(score), studio.Log);
        Assert.Equal(score < 0 ? "Low" : "High", boovik.GetProperty("frequencyGroup").GetString());
        Assert.Equal("Character", boovik.GetProperty("category").GetString());
        var detail = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/loras/{boovik.GetProperty("id").GetGuid()}");
        using var chart = await admin.Http.GetAsync(detail.GetProperty("profile").GetProperty("chartUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        Assert.Contains("Frequency profile of boovik: score", studio.Log);
        Assert.Contains("with model tiny-model", studio.Log);
        Directory.Delete(studio.DataDir, recursive: true);
    }

    private static async Task<string> WaitForLogAsync(StudioProcess studio, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!studio.Log.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        return studio.Log;
    }
}
