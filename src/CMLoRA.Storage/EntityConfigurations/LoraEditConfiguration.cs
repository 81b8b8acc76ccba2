using CMLoRA.Storage.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class LoraEditConfiguration : IEntityTypeConfiguration<LoraEdit>
{
    public void Configure(EntityTypeBuilder<LoraEdit> edit)
    {
        edit.ToTable("LoraEdits");
        edit.HasKey(e => e.Id);
        edit.Property(e => e.Field).HasMaxLength(64);
        edit.Property(e => e.At).HasConversion(UtcTicks.Converter);
        edit.HasOne<LibraryLora>().WithMany().HasForeignKey(e => e.LoraId).OnDelete(DeleteBehavior.Cascade);
        edit.HasOne(e => e.User).WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        edit.HasIndex(e => new { e.LoraId, e.At });
    }
}
