namespace CMLoRA.Engine.Lora;

/// <summary>
/// Everything the studio reports about a LoRA file (what <c>cmlora inspect --json</c> prints; field names are
/// documented in docs/lora-formats.md). Long metadata values are shortened in <see cref="LoraMetadata.Raw"/> here.
/// </summary>
public sealed record LoraInspection
{
    /// <summary>Bumped when a field changes meaning or disappears.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required string Path { get; init; }
    public required string FileName { get; init; }
    public required long SizeBytes { get; init; }

    /// <summary>File name without extension.</summary>
    public required string Name { get; init; }

    public required LoraNaming Naming { get; init; }
    public required LoraNetworkType NetworkType { get; init; }
    public required BaseModelDetection BaseModel { get; init; }
    public required LoraFileHashes Hashes { get; init; }

    /// <summary>Whether <c>sshs_model_hash</c> equals AutoV3; null when the file has none.</summary>
    public bool? StoredHashMatches { get; init; }

    public required int ModuleCount { get; init; }
    public required int UnetModules { get; init; }
    public required int TextEncoderModules { get; init; }
    public required int LinearModules { get; init; }
    public required int ConvModules { get; init; }
    public required int DoraModules { get; init; }

    /// <summary>The most common rank (larger on a tie); 0 when no module has one.</summary>
    public required int Rank { get; init; }

    /// <summary>The most common effective alpha.</summary>
    public required double? Alpha { get; init; }

    /// <summary>Module count per rank, most common first.</summary>
    public required IReadOnlyDictionary<int, int> RankHistogram { get; init; }

    /// <summary>Module count per effective alpha, most common first.</summary>
    public required IReadOnlyDictionary<double, int> AlphaHistogram { get; init; }

    public required LoraMetadata Metadata { get; init; }
    public required IReadOnlyList<LoraModuleSummary> Modules { get; init; }
}
