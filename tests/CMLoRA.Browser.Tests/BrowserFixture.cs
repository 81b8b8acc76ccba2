using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests;

/// <summary>
/// The real studio plus Debian Chromium (headless), shared by a test collection. The first administrator is created
/// through the browser's /setup page on start; each signed-in user gets a browser context (cookie jar) of its own.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private readonly List<IBrowserContext> _contexts = [];

    public StudioProcess Studio { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The administrator's browser context, signed in by the setup page.</summary>
    public IBrowserContext AdminContext { get; private set; } = null!;

    /// <summary>The administrator's API session (for arranging data the test is not about).</summary>
    public StudioSession AdminApi { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (the README test command does this).");
        // Two shared cores: a busy neighbour can stretch a round trip well past Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(20_000);
        // Test hooks: stand-in job events for the live progress tests (Debug builds only).
        Studio = await StudioProcess.StartAsync(environment: new Dictionary<string, string> { ["Studio__TestHooks"] = "true" });
        Browser = await LaunchAsync();
        AdminContext = await NewContextAsync();
        var page = await AdminContext.NewPageAsync();
        await BrowserFlows.SetupFirstAdminAsync(page);
        await page.CloseAsync();
        AdminApi = await StudioSession.SignInAsync(Studio, TestAccounts.AdminEmail);
    }

    /// <summary>Starts Debian Chromium headless through Playwright (no browser download).</summary>
    public async Task<IBrowser> LaunchAsync()
    {
        _playwright ??= await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh, signed-out browser context (its own cookies) on this studio.</summary>
    public async Task<IBrowserContext> NewContextAsync(IBrowser? browser = null, StudioProcess? studio = null)
    {
        var context = await (browser ?? Browser).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (studio ?? Studio).BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return context;
    }

    /// <summary>A page in the administrator's context.</summary>
    public Task<IPage> NewPageAsync() => AdminContext.NewPageAsync();

    /// <summary>Creates a member through the admin API and signs them in through the browser's sign-in page.</summary>
    public async Task<IBrowserContext> NewMemberContextAsync(string email, string name)
    {
        await AdminApi.CreateAccountAsync(email, name);
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await BrowserFlows.SignInAsync(page, email, TestAccounts.Password);
        await page.CloseAsync();
        return context;
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
        foreach (var context in _contexts) await context.DisposeAsync();
        if (Browser != null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        AdminApi?.Dispose();
        if (Studio != null) await Studio.DisposeAsync();
        try { if (Studio != null) Directory.Delete(Studio.DataDir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
