using CMLoRA.Storage;
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Collections;

/// <summary>One LoRA of a recipe as submitted: which LoRA, at what weight (the list order is the recipe order).</summary>
public sealed record CollectionItemInput(Guid LoraId, double Weight);

/// <summary>A whole recipe as created or saved.</summary>
public sealed record CollectionInput
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public Visibility Visibility { get; init; } = Visibility.Private;
    public string Method { get; init; } = CollectionMethods.CmLora;

    /// <summary>
    /// The method's options, exactly as a generation request's <c>options</c> (at most the property named like the
    /// method; values left out are the engine's defaults). Checked with the same rules and messages as a request.
    /// </summary>
    public CompositionSettings? Options { get; init; }

    /// <summary>Older clients: the options as JSON text, used only when <see cref="Options"/> is absent.</summary>
    public string? OptionsJson { get; init; }

    public string BaseModel { get; init; } = "SD 1.x";
    public IReadOnlyList<CollectionItemInput> Items { get; init; } = [];
}

public sealed record CollectionItemDto(int Position, Guid? LoraId, string LoraName, string Sha256, double Weight, string? BaseModel, bool Missing);

public sealed record CollectionSummaryDto(
    Guid Id, string Name, string OwnerId, string OwnerName, Visibility Visibility, string Method, string BaseModel, int LoraCount, int Version,
    DateTimeOffset UpdatedAt, bool IsDeleted);

public sealed record CollectionVersionDto(long Id, int Version, DateTimeOffset CreatedAt, string CreatedBy, string Change);

public sealed record CollectionDetailDto(
    Guid Id, string Name, string Description, string OwnerId, string OwnerName, Visibility Visibility, string Method, string OptionsJson,
    CompositionSettings? Options, string BaseModel, int Version, long VersionId, bool IsDeleted, DateTimeOffset UpdatedAt, IReadOnlyList<CollectionItemDto> Items,
    IReadOnlyList<CollectionVersionDto> Versions, PreflightReport Preflight, bool CanEdit);

public enum PreflightSeverity
{
    Info,
    Warning,
}

public sealed record PreflightIssue(PreflightSeverity Severity, string Message);

/// <summary>The pre-flight check of a recipe: plain-language warnings, and the summed weight.</summary>
public sealed record PreflightReport(IReadOnlyList<PreflightIssue> Issues, double SummedWeight)
{
    public bool HasWarnings => Issues.Any(i => i.Severity == PreflightSeverity.Warning);
}
