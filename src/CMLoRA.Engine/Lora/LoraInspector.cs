namespace CMLoRA.Engine.Lora;

/// <summary>Builds a <see cref="LoraInspection"/>: parses the file, hashes it (streaming) and summarises every module.</summary>
public static class LoraInspector
{
    /// <summary>Metadata values longer than this are shortened in the report (embedded thumbnails, cover images).</summary>
    public const int MaxMetadataValueLength = 1024;

    /// <summary>How many caption tags the report keeps.</summary>
    public const int MaxTags = 50;

    /// <summary>Inspects <paramref name="path"/>; throws what <see cref="LoraFile.Open"/> throws for unusable files.</summary>
    public static LoraInspection Inspect(string path, CancellationToken cancellationToken = default)
    {
        using var lora = LoraFile.Open(path);
        var hashes = LoraHashes.Compute(path, cancellationToken);
        var metadata = lora.Metadata with
        {
            Raw = lora.Metadata.Raw.ToDictionary(p => p.Key, p => Shorten(p.Value), StringComparer.Ordinal),
            TagFrequency = lora.Metadata.TagFrequency.Take(MaxTags).ToList(),
        };
        return new LoraInspection
        {
            Path = Path.GetFullPath(path),
            FileName = Path.GetFileName(path),
            SizeBytes = lora.FileLength,
            Name = lora.Name,
            Naming = lora.Naming,
            NetworkType = lora.NetworkType,
            BaseModel = lora.BaseModel,
            Hashes = hashes,
            StoredHashMatches = hashes.MatchesStoredHash(lora.Metadata.SshsModelHash),
            ModuleCount = lora.Modules.Count,
            UnetModules = lora.UnetModuleCount,
            TextEncoderModules = lora.TextEncoderModuleCount,
            LinearModules = lora.Modules.Count(m => m.Kind == ModuleKind.Linear),
            ConvModules = lora.Modules.Count(m => m.Kind == ModuleKind.Conv2d),
            DoraModules = lora.Modules.Count(m => m.IsDora),
            Rank = lora.MostCommonRank,
            Alpha = lora.MostCommonAlpha,
            RankHistogram = lora.RankHistogram,
            AlphaHistogram = lora.AlphaHistogram,
            Metadata = metadata,
            Modules = lora.Modules.Select(LoraModuleSummary.From).ToList(),
        };
    }

    private static string Shorten(string value) =>
        value.Length <= MaxMetadataValueLength ? value : $"{value[..200]}… ({value.Length} characters)";
}
