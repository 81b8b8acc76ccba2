using CMLoRA.Storage.Generation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class GeneratedImageConfiguration : IEntityTypeConfiguration<GeneratedImage>
{
    public void Configure(EntityTypeBuilder<GeneratedImage> image)
    {
        image.ToTable("GeneratedImages");
        image.HasKey(i => i.Id);
        image.Property(i => i.OwnerId).HasMaxLength(450);
        image.Property(i => i.FileName).HasMaxLength(64);
        image.Property(i => i.ModelHash).HasMaxLength(64);
        image.Property(i => i.Method).HasMaxLength(32);
        image.Property(i => i.ModelName).HasMaxLength(255);
        image.Property(i => i.LoraIds).HasMaxLength(1000);
        image.Property(i => i.CreatedUtc).HasConversion(UtcTicks.Converter);
        image.HasOne(i => i.Owner).WithMany().HasForeignKey(i => i.OwnerId).OnDelete(DeleteBehavior.Restrict);
        image.HasOne(i => i.Job).WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Restrict);

        image.HasIndex(i => new { i.JobId, i.BatchIndex }).IsUnique();
        image.HasIndex(i => new { i.Visibility, i.OwnerId });
        image.HasIndex(i => new { i.OwnerId, i.CreatedUtc });
        image.HasIndex(i => i.CreatedUtc);
        image.HasIndex(i => i.Starred);
    }
}
