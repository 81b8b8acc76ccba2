using CMLoRA.Storage.Collections;
using CMLoRA.Storage.Generation;
using CMLoRA.Storage.Library;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Storage;

/// <summary>The studio's one database: accounts (Identity) and, as features land, the LoRA library, collections and jobs.</summary>
public sealed class StudioDbContext(DbContextOptions<StudioDbContext> options) : IdentityDbContext<StudioUser>(options)
{
    public const string MigrationsAssembly = "CMLoRA.Migrations";

    public DbSet<StudioSetting> Settings => Set<StudioSetting>();
    public DbSet<LibraryLora> Loras => Set<LibraryLora>();
    public DbSet<LoraEdit> LoraEdits => Set<LoraEdit>();
    public DbSet<LoraCollection> Collections => Set<LoraCollection>();
    public DbSet<LoraCollectionItem> CollectionItems => Set<LoraCollectionItem>();
    public DbSet<LoraCollectionVersion> CollectionVersions => Set<LoraCollectionVersion>();
    public DbSet<GenerationJobRecord> GenerationJobs => Set<GenerationJobRecord>();
    public DbSet<GeneratedImage> GeneratedImages => Set<GeneratedImage>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<StudioSetting>(setting =>
        {
            setting.HasKey(s => s.Key);
            setting.Property(s => s.Key).HasMaxLength(128);
        });
        builder.ApplyConfigurationsFromAssembly(typeof(StudioDbContext).Assembly);
    }
}
