using CMLoRA.Storage;

namespace CMLoRA.Web.Generation;

/// <summary>
/// What a user asks to generate (the Generate page, scripts through POST /api/jobs). Stored as the job's RequestJson
/// with the seed already drawn, so a re-run or a restart makes the same images.
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>A1111 prompt syntax (emphasis, BREAK, long prompts).</summary>
    public string Prompt { get; init; } = "";

    public string NegativePrompt { get; init; } = "";

    /// <summary>Library LoRAs in the user's order.</summary>
    public IReadOnlyList<LoraUse> Loras { get; init; } = [];

    /// <summary>none, merge, switch, composite or cmlora (case-insensitive).</summary>
    public string Method { get; init; } = "cmlora";

    /// <summary>
    /// The method's options (only the property named like <see cref="Method"/>); null or absent values are the
    /// engine's defaults. The stored job has them all filled in, for the method that runs (none without LoRAs).
    /// </summary>
    public CompositionSettings? Options { get; init; }

    /// <summary>The base model by its listed name (GET /api/models); null is the studio's default model.</summary>
    public string? Model { get; init; }

    /// <summary>dpmpp2m, euler, euler_a or ddim.</summary>
    public string Sampler { get; init; } = "dpmpp2m";

    /// <summary>
    /// Karras sigmas (dpmpp2m, euler and euler_a; ddim cannot use them): true or false forces them on or off; null
    /// follows the model's scheduler file (off for SD 1.5's). The recipe records what ran.
    /// </summary>
    public bool? Karras { get; init; }

    public int Steps { get; init; } = 20;

    /// <summary>Classifier-free guidance scale.</summary>
    public double Cfg { get; init; } = 7.5;

    public int Width { get; init; } = 512;
    public int Height { get; init; } = 512;

    /// <summary>Seed of the first image (image i uses Seed + i); null or -1 draws one at submission.</summary>
    public long? Seed { get; init; }

    /// <summary>Images to make, one after the other (1–16).</summary>
    public int BatchCount { get; init; } = 1;

    /// <summary>1 = last CLIP layer, 2 = penultimate.</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>Visibility of the images; Team also lets members watch the job live.</summary>
    public Visibility Visibility { get; init; } = Visibility.Private;
}

/// <summary>One LoRA of a request: a library id and the user's weight.</summary>
public sealed record LoraUse(Guid LoraId, double Weight = 1.0);
