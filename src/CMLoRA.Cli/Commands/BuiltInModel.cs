namespace CMLoRA.Cli.Commands;

/// <summary>Where the project's own trained model lives when no --model is given.</summary>
public static class BuiltInModel
{
    public const string RelativePath = "models/builtin";

    /// <summary>$CMLORA_MODEL, else models/builtin under the repository or next to the tool.</summary>
    public static string Locate()
    {
        string? configured = Environment.GetEnvironmentVariable("CMLORA_MODEL");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativePath);
                if (Directory.Exists(candidate)) return candidate;
            }
        throw new FileNotFoundException(
            $"no --model given and the built-in model was not found ({RelativePath} in the repository, or set CMLORA_MODEL)");
    }
}
