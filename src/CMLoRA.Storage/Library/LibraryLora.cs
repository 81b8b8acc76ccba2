namespace CMLoRA.Storage.Library;

/// <summary>
/// One LoRA in the team library. The file itself is stored once per content (loras/&lt;Sha256&gt;.safetensors);
/// two owners who upload the same bytes privately get two rows pointing at one file.
/// </summary>
public sealed class LibraryLora
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Display name (editable); starts as ss_output_name or the sanitised file name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The uploaded file's name, sanitised, for display only; never used as a path.</summary>
    public string FileName { get; set; } = "";

    /// <summary>SHA-256 of the whole file, lower-case hex (64).</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>A1111/Civitai AutoV2: the first 10 hex of <see cref="Sha256"/>.</summary>
    public string AutoV2 { get; set; } = "";

    /// <summary>SHA-256 of the tensor data after the header (A1111 addnet hash, Civitai AutoV3 = first 12 hex), 64 hex.</summary>
    public string AutoV3 { get; set; } = "";

    public long FileSize { get; set; }
    public int ModuleCount { get; set; }

    /// <summary>kohya, peft, lycoris… as recognised from the tensor names.</summary>
    public string Format { get; set; } = "";

    /// <summary>Base-model family: "SD 1.x", "SD 2.x", "SDXL", "FLUX" or "Unknown".</summary>
    public string BaseModel { get; set; } = "Unknown";

    public string? OutputName { get; set; }
    public int? Rank { get; set; }
    public double? Alpha { get; set; }
    public string? NetworkModule { get; set; }

    public LoraCategory Category { get; set; }

    /// <summary>Comma-separated trigger words (activation text) inserted with the LoRA.</summary>
    public string TriggerWords { get; set; } = "";

    /// <summary>Comma-separated words suggested from the training tag frequencies.</summary>
    public string SuggestedTriggerWords { get; set; } = "";

    /// <summary>Comma-separated user tags.</summary>
    public string Tags { get; set; } = "";

    public double PreferredWeight { get; set; } = 1.0;
    public string Description { get; set; } = "";
    public string Notes { get; set; } = "";

    /// <summary>The file's __metadata__ as a JSON object of strings (read-only training metadata).</summary>
    public string MetadataJson { get; set; } = "{}";

    /// <summary>Our own thumbnail under previews/ (a name we generated), or null.</summary>
    public string? PreviewFile { get; set; }

    public string OwnerId { get; set; } = "";
    public StudioUser? Owner { get; set; }
    public Visibility Visibility { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? UpdatedById { get; set; }

    /// <summary>How many generations used it (sort by usage).</summary>
    public int UsageCount { get; set; }

    // Frequency profile (filled by the profiler later; null until profiled).
    public double? FrequencyScore { get; set; }
    public string? FrequencyGroup { get; set; }
    public string? RadialSpectrumJson { get; set; }
    public DateTimeOffset? ProfiledAt { get; set; }
}
