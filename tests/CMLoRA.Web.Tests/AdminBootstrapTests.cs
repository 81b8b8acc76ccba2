using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

public class AdminBootstrapTests
{
    [Fact]
    public async Task AConfiguredAdminWithAWeakPasswordStopsStartUpWithTheReasonAsync()
    {
        var environment = TestAccounts.AdminEnvironment();
        environment["Studio__Admin__Password"] = "short";
        string dataDir = Directory.CreateTempSubdirectory("cmlora-studio-").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StudioProcess.StartAsync(dataDir, environment));
            Assert.Contains("exited with code", error.Message);
            Assert.Contains("Studio:Admin could not be created: Passwords must be at least 8 characters.", error.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
