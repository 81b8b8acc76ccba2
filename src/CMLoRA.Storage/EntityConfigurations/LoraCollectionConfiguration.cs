using CMLoRA.Storage.Collections;
using CMLoRA.Storage.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class LoraCollectionConfiguration : IEntityTypeConfiguration<LoraCollection>
{
    public void Configure(EntityTypeBuilder<LoraCollection> collection)
    {
        collection.ToTable("Collections");
        collection.HasKey(c => c.Id);
        collection.Property(c => c.Name).HasMaxLength(200);
        collection.Property(c => c.Method).HasMaxLength(32);
        collection.Property(c => c.BaseModel).HasMaxLength(32);
        collection.Property(c => c.CreatedAt).HasConversion(UtcTicks.Converter);
        collection.Property(c => c.UpdatedAt).HasConversion(UtcTicks.Converter);
        collection.Property(c => c.DeletedAt).HasConversion(UtcTicks.NullableConverter);
        collection.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Restrict);
        collection.HasMany(c => c.Items).WithOne().HasForeignKey(i => i.CollectionId).OnDelete(DeleteBehavior.Cascade);
        collection.HasIndex(c => new { c.Visibility, c.OwnerId });
        collection.HasIndex(c => c.UpdatedAt);
    }
}
