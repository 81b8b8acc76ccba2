using CMLoRA.Storage.Generation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class GenerationJobConfiguration : IEntityTypeConfiguration<GenerationJobRecord>
{
    public void Configure(EntityTypeBuilder<GenerationJobRecord> job)
    {
        job.ToTable("GenerationJobs");
        job.HasKey(j => j.Id);
        job.Property(j => j.OwnerId).HasMaxLength(450);
        job.Property(j => j.Method).HasMaxLength(32);
        job.Property(j => j.ModelName).HasMaxLength(255);
        job.Property(j => j.Error).HasMaxLength(2000);
        job.Property(j => j.CreatedUtc).HasConversion(UtcTicks.Converter);
        job.Property(j => j.StartedUtc).HasConversion(UtcTicks.NullableConverter);
        job.Property(j => j.FinishedUtc).HasConversion(UtcTicks.NullableConverter);
        job.HasOne(j => j.Owner).WithMany().HasForeignKey(j => j.OwnerId).OnDelete(DeleteBehavior.Restrict);

        // The worker's "what waits" query and each owner's history.
        job.HasIndex(j => new { j.Status, j.CreatedUtc });
        job.HasIndex(j => new { j.OwnerId, j.CreatedUtc });
    }
}
