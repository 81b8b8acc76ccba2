using System.Buffers.Binary;
using System.Text.Json;
using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>
/// A studio that generates with the tiny reference model (Studio:DefaultModelPath, CPU), an unattended admin, two
/// team LoRAs made from the tiny model's kohya LoRA (tiny_lora_a as it is, tiny_lora_b with its up-projections negated),
/// and Debian Chromium. Members get browser contexts signed in through the sign-in page.
/// </summary>
public sealed class GenerationBrowserFixture : IAsyncLifetime
{
    public const string LoraA = "tiny_lora_a", LoraB = "tiny_lora_b";

    private IPlaywright? _playwright;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<StudioSession> _sessions = [];

    public StudioProcess Studio { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public StudioSession AdminApi { get; private set; } = null!;
    public string ModelDir { get; private set; } = "";
    public Guid LoraAId { get; private set; }
    public Guid LoraBId { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(BrowserFixture.ChromiumPath)) throw new InvalidOperationException($"{BrowserFixture.ChromiumPath} is missing.");
        Assertions.SetDefaultExpectTimeout(20_000);
        ModelDir = Directory.CreateTempSubdirectory("cmlora-pages-model-").FullName;
        var environment = TestAccounts.AdminEnvironment();
        environment["Studio__DefaultModelPath"] = TinyModel.Create(ModelDir);
        environment["Studio__Device"] = "cpu";
        environment["Studio__TestHooks"] = "true"; // the worker gate holds jobs for the queue tests (Debug builds only)
        // A busy shared machine can take well over the default 90 s to start the studio.
        Studio = await StudioProcess.StartAsync(environment: environment, timeout: TimeSpan.FromMinutes(5));
        AdminApi = await StudioSession.SignInAsync(Studio, TestAccounts.AdminEmail);
        byte[] lora = await File.ReadAllBytesAsync(TinyModel.LoraFile);
        LoraAId = await AdminApi.UploadLoraAsync(lora, LoraA + ".safetensors", "Team");
        LoraBId = await AdminApi.UploadLoraAsync(NegateUpProjections(lora), LoraB + ".safetensors", "Team");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Creates a member (through the admin API) and signs them in through the browser's sign-in page.</summary>
    public async Task<IBrowserContext> NewMemberAsync(string email, string name)
    {
        await AdminApi.CreateAccountAsync(email, name);
        return await SignedInContextAsync(email);
    }

    public async Task<IBrowserContext> SignedInContextAsync(string email)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Studio.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await BrowserFlows.SignInAsync(page, email, TestAccounts.Password);
        await page.CloseAsync();
        return context;
    }

    /// <summary>An API session of an existing account (cookies and anti-forgery header), disposed with the fixture.</summary>
    public async Task<StudioSession> ApiAsync(string email)
    {
        var session = await StudioSession.SignInAsync(Studio, email);
        _sessions.Add(session);
        return session;
    }

    /// <summary>A copy of a kohya LoRA whose lora_up tensors are negated (sign bits flipped): another file, another effect.</summary>
    public static byte[] NegateUpProjections(byte[] file)
    {
        var copy = (byte[])file.Clone();
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(copy);
        using var header = JsonDocument.Parse(copy.AsMemory(8, (int)headerLength));
        foreach (var tensor in header.RootElement.EnumerateObject())
        {
            if (tensor.Name == "__metadata__" || !tensor.Name.Contains("lora_up")) continue;
            string dtype = tensor.Value.GetProperty("dtype").GetString()!;
            int size = dtype switch { "F32" => 4, "F16" or "BF16" => 2, _ => throw new InvalidDataException(dtype) };
            var offsets = tensor.Value.GetProperty("data_offsets");
            long start = 8 + headerLength + offsets[0].GetInt64(), end = 8 + headerLength + offsets[1].GetInt64();
            for (long i = start + size - 1; i < end; i += size) copy[i] ^= 0x80; // little-endian: the sign bit is in the last byte
        }
        return copy;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts) await context.DisposeAsync();
        if (Browser != null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        foreach (var session in _sessions) session.Dispose();
        AdminApi?.Dispose();
        if (Studio != null) await Studio.DisposeAsync();
        try { if (Studio != null) Directory.Delete(Studio.DataDir, recursive: true); } catch (IOException) { }
        try { Directory.Delete(ModelDir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class GenerationBrowserCollection : ICollectionFixture<GenerationBrowserFixture>
{
    public const string Name = "generation-browser";
}
