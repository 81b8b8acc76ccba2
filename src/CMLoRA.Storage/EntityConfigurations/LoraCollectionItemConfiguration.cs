using CMLoRA.Storage.Collections;
using CMLoRA.Storage.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class LoraCollectionItemConfiguration : IEntityTypeConfiguration<LoraCollectionItem>
{
    public void Configure(EntityTypeBuilder<LoraCollectionItem> item)
    {
        item.ToTable("CollectionItems");
        item.HasKey(i => i.Id);
        item.Property(i => i.LoraName).HasMaxLength(200);
        item.Property(i => i.Sha256).HasMaxLength(64);
        // Deleting a LoRA keeps the item (now "missing") rather than rewriting the team's recipes.
        item.HasOne<LibraryLora>().WithMany().HasForeignKey(i => i.LoraId).OnDelete(DeleteBehavior.SetNull);
        item.HasIndex(i => new { i.CollectionId, i.Position });
    }
}
