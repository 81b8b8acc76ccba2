using CMLoRA.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Tests;

[Collection(StudioCollection.Name)]
public class DatabaseStartupTests(StudioFixture fixture)
{
    private string DatabasePath => Path.Combine(fixture.Studio.DataDir, "studio.db");

    [Fact]
    public async Task FirstStartCreatesTheDatabaseWithEveryMigrationAppliedAsync()
    {
        Assert.True(File.Exists(DatabasePath), $"no database at {DatabasePath}");
        await using var db = new StudioDbContext(new DbContextOptionsBuilder<StudioDbContext>().UseStudioSqlite(DatabasePath).Options);
        var known = db.Database.GetMigrations().ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.NotEmpty(known);
        Assert.Equal(known, applied);
        Assert.Contains(known, id => id.EndsWith("_Initial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DatabaseRunsInWalModeAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task IdentityTablesExistAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name;";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Contains("AspNetUsers", tables);
        Assert.Contains("Settings", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
    }
}
