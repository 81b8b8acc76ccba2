using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Storage;

/// <summary>Opens the studio database the same way everywhere (web app, CLI, tests).</summary>
public static class SqliteDatabase
{
    public const int BusyTimeoutSeconds = 10;

    public static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Shared,
        DefaultTimeout = BusyTimeoutSeconds,
        Pooling = true,
    }.ToString();

    public static TBuilder UseStudioSqlite<TBuilder>(this TBuilder options, string databasePath) where TBuilder : DbContextOptionsBuilder
    {
        options.UseSqlite(ConnectionString(databasePath), sqlite => sqlite.MigrationsAssembly(StudioDbContext.MigrationsAssembly));
        return options;
    }

    /// <summary>Applies pending migrations, then switches the file to WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(StudioDbContext db, CancellationToken cancellationToken = default)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(db.Database.GetDbConnection().DataSource));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"PRAGMA busy_timeout={BusyTimeoutSeconds * 1000};", cancellationToken);
    }
}
