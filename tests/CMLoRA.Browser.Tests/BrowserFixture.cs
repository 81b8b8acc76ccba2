using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

/// <summary>The real studio plus Debian Chromium (headless, fresh profile), shared by a test collection.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private string _profileDir = "";

    public StudioProcess Studio { get; private set; } = null!;
    public IBrowserContext Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (the README test command does this).");
        Studio = await StudioProcess.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _profileDir = Directory.CreateTempSubdirectory("cmlora-chromium-").FullName;
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profileDir, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            BaseURL = Studio.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots/ and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        string path = Path.Combine(RepoRoot.Artifacts("screenshots"), name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (Browser != null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Studio != null) await Studio.DisposeAsync();
        try { Directory.Delete(_profileDir, recursive: true); } catch (IOException) { }
        try { if (Studio != null) Directory.Delete(Studio.DataDir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
