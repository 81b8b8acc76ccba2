using CMLoRA.Storage.Collections;
using CMLoRA.Storage.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class LoraCollectionVersionConfiguration : IEntityTypeConfiguration<LoraCollectionVersion>
{
    public void Configure(EntityTypeBuilder<LoraCollectionVersion> version)
    {
        version.ToTable("CollectionVersions");
        version.HasKey(v => v.Id);
        version.Property(v => v.Change).HasMaxLength(300);
        version.Property(v => v.CreatedAt).HasConversion(UtcTicks.Converter);
        version.HasOne<LoraCollection>().WithMany().HasForeignKey(v => v.CollectionId).OnDelete(DeleteBehavior.Cascade);
        version.HasOne(v => v.CreatedBy).WithMany().HasForeignKey(v => v.CreatedById).OnDelete(DeleteBehavior.Restrict);
        version.HasIndex(v => new { v.CollectionId, v.Version }).IsUnique();
    }
}
