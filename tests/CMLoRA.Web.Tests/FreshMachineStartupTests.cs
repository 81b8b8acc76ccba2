using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// Start-up on a fresh machine: the configured data folder, the database's folder and the models folder do not exist
/// yet (none of their parents either); the studio creates them, migrates and serves.
/// </summary>
public class FreshMachineStartupTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MissingDataDatabaseAndModelsFoldersAreCreatedAtStartAsync(bool separateFolders)
    {
        string root = Directory.CreateTempSubdirectory("cmlora-fresh-").FullName;
        string dataDir = Path.Combine(root, "not", "yet", "data");
        string modelsDir = separateFolders ? Path.Combine(root, "elsewhere", "models") : Path.Combine(dataDir, "models");
        string database = separateFolders ? Path.Combine(root, "db", "folder", "team.db") : Path.Combine(dataDir, "studio.db");
        var environment = TestAccounts.AdminEnvironment();
        environment["Studio__Device"] = "cpu";
        if (separateFolders)
        {
            environment["Studio__ModelsDir"] = modelsDir;
            environment["Studio__DatabasePath"] = database;
        }
        Assert.False(Directory.Exists(Path.Combine(root, "not")));
        try
        {
            await using var studio = await StudioProcess.StartAsync(dataDir, environment);
            using var anonymous = studio.CreateClient();
            using var health = await anonymous.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

            foreach (string folder in new[] { "loras", "previews", "profiles", "tmp", "keys", "images" })
                Assert.True(Directory.Exists(Path.Combine(dataDir, folder)), $"{folder} was not created in {dataDir}");
            Assert.True(Directory.Exists(modelsDir), $"the models folder {modelsDir} was not created");
            Assert.True(File.Exists(database), $"no database at {database}");
            Assert.Equal(separateFolders, !File.Exists(Path.Combine(dataDir, "studio.db")));

            // The studio works: the admin signs in and the (empty) models folder is listed without error.
            using var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
            using var models = await admin.Http.GetAsync("/api/models");
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
            var listed = await models.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(JsonValueKind.Array, listed.ValueKind);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
