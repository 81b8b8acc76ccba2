using CMLoRA.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CMLoRA.Migrations;

/// <summary>Lets `dotnet ef` build the context without starting the web app.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<StudioDbContext>
{
    public StudioDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<StudioDbContext>().UseStudioSqlite(Path.Combine(Path.GetTempPath(), "cmlora-design.db")).Options);
}
