using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// One real studio process shared by the tests of a collection: installed unattended (first admin from
/// configuration) with two members, Alice and Bob, each signed in with their own cookie jar.
/// </summary>
public sealed class StudioFixture : IAsyncLifetime
{
    public const string AliceEmail = "alice@studio.test";
    public const string BobEmail = "bob@studio.test";

    /// <summary>A small cap so the size limit can be tested with a small file.</summary>
    public const long MaxUploadBytes = 256 * 1024;

    public StudioProcess Studio { get; private set; } = null!;
    public StudioSession Admin { get; private set; } = null!;
    public StudioSession Alice { get; private set; } = null!;
    public StudioSession Bob { get; private set; } = null!;
    public string AliceId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var environment = TestAccounts.AdminEnvironment();
        environment["Studio__MaxUploadBytes"] = MaxUploadBytes.ToString();
        environment["Studio__TestHooks"] = "true"; // stand-in job events for the progress hub tests (Debug builds only)
        Studio = await StudioProcess.StartAsync(environment: environment);
        Admin = await StudioSession.SignInAsync(Studio, TestAccounts.AdminEmail);
        AliceId = await Admin.CreateAccountAsync(AliceEmail, "Alice");
        await Admin.CreateAccountAsync(BobEmail, "Bob");
        Alice = await StudioSession.SignInAsync(Studio, AliceEmail);
        Bob = await StudioSession.SignInAsync(Studio, BobEmail);
    }

    /// <summary>A session for the given caller kind: "anonymous", "other member" (Bob), "owner" (Alice) or "admin".</summary>
    public StudioSession As(string caller) => caller switch
    {
        "anonymous" => StudioSession.Anonymous(Studio),
        "owner" => Alice,
        "other member" => Bob,
        "admin" => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    public string DatabasePath => Path.Combine(Studio.DataDir, "studio.db");

    /// <summary>Files in the content-addressed store and in the upload temp folder.</summary>
    public (string[] Loras, string[] Temp) StoredFiles() =>
        (Directory.GetFiles(Path.Combine(Studio.DataDir, "loras")), Directory.GetFiles(Path.Combine(Studio.DataDir, "tmp")));

    public async Task<int> LoraRowCountAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Loras;";
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        Alice?.Dispose();
        Bob?.Dispose();
        await Studio.DisposeAsync();
        try { Directory.Delete(Studio.DataDir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>
{
    public const string Name = "studio";
}
