namespace CMLoRA.Cli.Commands;

/// <summary>Where the built-in model and its demo LoRAs live when a command names no model.</summary>
public static class BuiltInModel
{
    public const string RelativePath = "models/builtin";

    /// <summary>The demo LoRAs' folder inside a model folder (models/builtin/loras).</summary>
    public const string LoraFolderName = "loras";

    /// <summary>$CMLORA_MODEL, else models/builtin under the repository or next to the tool.</summary>
    public static string Locate() => TryLocate() ?? throw new FileNotFoundException(
        $"no --model given and the built-in model was not found ({RelativePath} in the repository, or set CMLORA_MODEL)");

    /// <summary>Like <see cref="Locate"/>, or null when there is no built-in model.</summary>
    public static string? TryLocate()
    {
        string? configured = Environment.GetEnvironmentVariable("CMLORA_MODEL");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativePath);
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>
    /// The folder bare LoRA names (<c>--lora boovik</c>) are looked up in: $CMLORA_DEMO_LORAS, else the loras/ folder of
    /// the model in use (the folder itself, or the folder holding a single-file checkpoint), else the built-in model's.
    /// </summary>
    public static string? DemoLoraFolder(string? modelPath)
    {
        string? configured = Environment.GetEnvironmentVariable("CMLORA_DEMO_LORAS");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        foreach (string? model in new[] { modelPath, TryLocate() })
        {
            if (string.IsNullOrWhiteSpace(model)) continue;
            string folder = Directory.Exists(model) ? model : Path.GetDirectoryName(Path.GetFullPath(model)) ?? model;
            string loras = Path.Combine(folder, LoraFolderName);
            if (Directory.Exists(loras)) return loras;
        }
        return null;
    }
}
