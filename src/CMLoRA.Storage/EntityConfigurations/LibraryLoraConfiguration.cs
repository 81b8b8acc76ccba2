using CMLoRA.Storage.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class LibraryLoraConfiguration : IEntityTypeConfiguration<LibraryLora>
{
    public void Configure(EntityTypeBuilder<LibraryLora> lora)
    {
        lora.ToTable("Loras");
        lora.HasKey(l => l.Id);
        lora.Property(l => l.Name).HasMaxLength(200);
        lora.Property(l => l.FileName).HasMaxLength(255);
        lora.Property(l => l.Sha256).HasMaxLength(64);
        lora.Property(l => l.AutoV2).HasMaxLength(10);
        lora.Property(l => l.AutoV3).HasMaxLength(64);
        lora.Property(l => l.BaseModel).HasMaxLength(32);
        lora.Property(l => l.Format).HasMaxLength(32);
        lora.Property(l => l.CreatedAt).HasConversion(UtcTicks.Converter);
        lora.Property(l => l.UpdatedAt).HasConversion(UtcTicks.Converter);
        lora.Property(l => l.ProfiledAt).HasConversion(UtcTicks.NullableConverter);
        lora.HasOne(l => l.Owner).WithMany().HasForeignKey(l => l.OwnerId).OnDelete(DeleteBehavior.Restrict);

        lora.HasIndex(l => l.Sha256);
        lora.HasIndex(l => new { l.OwnerId, l.Sha256 }).IsUnique();
        lora.HasIndex(l => new { l.Visibility, l.OwnerId });
        lora.HasIndex(l => l.Name);
        lora.HasIndex(l => l.CreatedAt);
        lora.HasIndex(l => l.UsageCount);
        lora.HasIndex(l => l.Category);
        lora.HasIndex(l => l.BaseModel);
    }
}
