using System.ComponentModel.DataAnnotations;

namespace CMLoRA.Web.Configuration;

/// <summary>The "Studio" section of appsettings.json (override with environment variables such as Studio__DataDir).</summary>
public sealed class StudioOptions
{
    public const string Section = "Studio";

    /// <summary>Folder for the database, uploaded LoRAs, images and logs; relative paths are resolved against the content root.</summary>
    [Required]
    public string DataDir { get; set; } = "data";

    /// <summary>SQLite file; empty means DataDir/studio.db.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>auto (CUDA when available, else CPU), cpu, or cuda[:index].</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Checkpoint used when a request names none; empty means the built-in model.</summary>
    public string DefaultModelPath { get; set; } = "";

    /// <summary>
    /// Folder of further base models a request may name (diffusers folders and single-file .safetensors SD 1.x
    /// checkpoints at its top level); empty means DataDir/models; relative paths are resolved against the content root.
    /// </summary>
    public string ModelsDir { get; set; } = "";

    /// <summary>
    /// Folder of the demo LoRAs registered in the library on first start (default models/builtin/loras, relative to the
    /// content root); empty turns the demo library off.
    /// </summary>
    public string DemoLoraDir { get; set; } = "models/builtin/loras";

    /// <summary>Profile demo LoRAs that ship without a NAME.profile.json in the background with the default model.</summary>
    public bool ProfileDemoLoras { get; set; } = true;

    /// <summary>Largest LoRA file one upload may carry (default 2 GiB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The first administrator for unattended installs (Studio__Admin__Email, Studio__Admin__Password).</summary>
    public AdminBootstrapOptions Admin { get; set; } = new();

    public string ResolveDataDir(string contentRoot) => Path.GetFullPath(Path.Combine(contentRoot, DataDir));

    /// <summary>The demo LoRA folder as a full path, or null when the demo library is turned off.</summary>
    public string? ResolveDemoLoraDir(string contentRoot) =>
        string.IsNullOrWhiteSpace(DemoLoraDir) ? null : Path.GetFullPath(Path.Combine(contentRoot, DemoLoraDir.Trim()));

    /// <summary>The default model: <see cref="DefaultModelPath"/>, else the built-in model (models/builtin under the content root).</summary>
    public string ResolveDefaultModel(string contentRoot) =>
        Path.GetFullPath(Path.Combine(contentRoot, string.IsNullOrWhiteSpace(DefaultModelPath) ? "models/builtin" : DefaultModelPath.Trim()));

    /// <summary>The models folder as a full path: <see cref="ModelsDir"/> against the content root, else DataDir/models.</summary>
    public string ResolveModelsDir(string contentRoot) =>
        string.IsNullOrWhiteSpace(ModelsDir)
            ? Path.Combine(ResolveDataDir(contentRoot), "models")
            : Path.GetFullPath(Path.Combine(contentRoot, ModelsDir.Trim()));

    public string ResolveDatabasePath(string contentRoot) =>
        string.IsNullOrWhiteSpace(DatabasePath)
            ? Path.Combine(ResolveDataDir(contentRoot), "studio.db")
            : Path.GetFullPath(Path.Combine(contentRoot, DatabasePath));
}
