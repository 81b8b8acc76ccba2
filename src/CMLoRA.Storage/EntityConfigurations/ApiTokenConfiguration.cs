using CMLoRA.Storage.Generation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CMLoRA.Storage.EntityConfigurations;

public sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> token)
    {
        token.ToTable("ApiTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.UserId).HasMaxLength(450);
        token.Property(t => t.Name).HasMaxLength(100);
        token.Property(t => t.SecretHash).HasMaxLength(64);
        token.Property(t => t.Prefix).HasMaxLength(16);
        token.Property(t => t.CreatedUtc).HasConversion(UtcTicks.Converter);
        token.Property(t => t.LastUsedUtc).HasConversion(UtcTicks.NullableConverter);
        token.Property(t => t.RevokedUtc).HasConversion(UtcTicks.NullableConverter);
        token.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);

        token.HasIndex(t => t.SecretHash).IsUnique();
        token.HasIndex(t => t.UserId);
    }
}
