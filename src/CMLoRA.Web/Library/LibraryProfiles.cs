using System.Text.Json;
using CMLoRA.Engine.Profiling;
using CMLoRA.Storage;
using CMLoRA.Web.Configuration;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Library;

/// <summary>
/// Frequency profiles of library LoRAs: the row keeps what the list and the CMLoRA ordering need (score, group,
/// the LoRA's relative radial spectrum); the whole profile (with the base model's spectrum, for the chart) is kept
/// content-addressed as profiles/&lt;sha256&gt;.profile.json in the profiler's own sidecar format.
/// </summary>
public sealed class LibraryProfiles(IDbContextFactory<StudioDbContext> dbFactory, StudioPaths paths, ILogger<LibraryProfiles> logger)
{
    /// <summary>Stores <paramref name="profile"/> for the LoRA row <paramref name="loraId"/>; false when the row is gone.</summary>
    public async Task<bool> SaveAsync(Guid loraId, LoraProfile profile, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lora = await db.Loras.FirstOrDefaultAsync(l => l.Id == loraId, cancellationToken);
        if (lora == null) return false;
        if (!string.Equals(profile.LoraSha256, lora.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"the profile is of another file (SHA-256 {profile.LoraSha256[..Math.Min(12, profile.LoraSha256.Length)]}…)");

        string file = paths.ProfileFile(lora.Sha256);
        string temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temporary, LoraProfileJson.Serialize(profile), cancellationToken);
        File.Move(temporary, file, overwrite: true);

        lora.FrequencyScore = profile.Score;
        lora.FrequencyGroup = profile.Group.ToString();
        lora.RadialSpectrumJson = JsonSerializer.Serialize(profile.Spectrum.Relative);
        lora.ProfiledAt = profile.CreatedAt == default ? DateTimeOffset.UtcNow : profile.CreatedAt;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Frequency profile of {Name}: score {Score:0.0000} ({Group}) with model {Model}", lora.Name, profile.Score, profile.Group, profile.Model);
        return true;
    }

    /// <summary>The stored whole profile of the file with <paramref name="sha256"/>, or null when there is none or it is unreadable.</summary>
    public LoraProfile? Read(string sha256)
    {
        string file = paths.ProfileFile(sha256);
        if (!File.Exists(file)) return null;
        try
        {
            return LoraProfileJson.Deserialize(File.ReadAllText(file));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            logger.LogWarning("Ignoring the stored profile {File}: {Reason}", file, e.Message);
            return null;
        }
    }

    /// <summary>Whether a whole profile (and so a chart) is stored for the file.</summary>
    public bool Has(string sha256) => File.Exists(paths.ProfileFile(sha256));

    /// <summary>The profile chart (LoRA against base spectrum) as SVG, or null without a stored profile.</summary>
    public string? ChartSvg(string name, string sha256) =>
        Read(sha256) is { } profile ? SpectrumChartSvg.Render([(name, profile)]) : null;
}
