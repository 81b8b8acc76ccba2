using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>One real studio process shared by the tests of a collection.</summary>
public sealed class StudioFixture : IAsyncLifetime
{
    public StudioProcess Studio { get; private set; } = null!;

    public async Task InitializeAsync() => Studio = await StudioProcess.StartAsync();

    public async Task DisposeAsync()
    {
        await Studio.DisposeAsync();
        try { Directory.Delete(Studio.DataDir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>
{
    public const string Name = "studio";
}
