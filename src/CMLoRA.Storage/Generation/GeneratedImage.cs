namespace CMLoRA.Storage.Generation;

/// <summary>
/// One finished image: the PNG under images/ (a name we generate, never user input) and everything needed to
/// reproduce it exactly (<see cref="RecipeJson"/>).
/// </summary>
public sealed class GeneratedImage
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid JobId { get; set; }
    public GenerationJobRecord? Job { get; set; }

    public string OwnerId { get; set; } = "";
    public StudioUser? Owner { get; set; }

    /// <summary>Position in its job's batch (0-based).</summary>
    public int BatchIndex { get; set; }

    /// <summary>File name relative to the images folder: "&lt;Id&gt;.png".</summary>
    public string FileName { get; set; } = "";

    public int Width { get; set; }
    public int Height { get; set; }
    public long Seed { get; set; }

    /// <summary>
    /// The full recipe as JSON: the engine's recipe (RecipeJson), the same text as the PNG's cmlora-recipe chunk: model
    /// and LoRAs by content hash, weights, order, method and options, sampler, seed, timings. Images made before
    /// LoraIds existed hold the studio's older recipe shape (with library ids inside), which the web layer still reads.
    /// </summary>
    public string RecipeJson { get; set; } = "{}";

    /// <summary>A1111-compatible "parameters" text.</summary>
    public string Infotext { get; set; } = "";

    public Visibility Visibility { get; set; }
    public bool Starred { get; set; }
    public DateTimeOffset CreatedUtc { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Seconds spent encoding prompts, denoising, and decoding plus PNG encoding.</summary>
    public double TextEncodeSeconds { get; set; }
    public double DenoiseSeconds { get; set; }
    public double DecodeSeconds { get; set; }

    /// <summary>The model's hash (AutoV2: the first 10 hex of its content hash, see the engine's ModelHashing).</summary>
    public string ModelHash { get; set; } = "";

    /// <summary>The model's listed name, as requests name it.</summary>
    public string ModelName { get; set; } = "";

    /// <summary>
    /// Library ids of the LoRAs in the user's order, comma-separated (lower-case "D" format); empty for images without
    /// LoRAs and for images stored before this column existed (their recipe JSON carries the ids).
    /// </summary>
    public string LoraIds { get; set; } = "";

    /// <summary>The composition method that ran (None when the job had no LoRAs).</summary>
    public string Method { get; set; } = "";
}
