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

    public StudioProcess Studio { get; private set; } = null!;
    public StudioSession Admin { get; private set; } = null!;
    public StudioSession Alice { get; private set; } = null!;
    public StudioSession Bob { get; private set; } = null!;
    public string AliceId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Studio = await StudioProcess.StartAsync(environment: TestAccounts.AdminEnvironment());
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
