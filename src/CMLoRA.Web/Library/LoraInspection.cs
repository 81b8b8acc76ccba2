namespace CMLoRA.Web.Library;

/// <summary>What ingest learns from a LoRA file: identity hashes, format, base model, rank/alpha and metadata.</summary>
public sealed record LoraInspection(
    string Sha256,
    string AutoV2,
    string AutoV3,
    long FileSize,
    int ModuleCount,
    string Format,
    string BaseModel,
    string? OutputName,
    int? Rank,
    double? Alpha,
    string? NetworkModule,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> SuggestedTriggerWords,
    IReadOnlyList<string> DeclaredTriggerWords);

/// <summary>A file the library refuses; <see cref="Exception.Message"/> is the reason shown to the user.</summary>
public sealed class LoraRejectedException(string reason) : Exception(reason);
