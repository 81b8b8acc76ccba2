namespace CMLoRA.Cli.Tests.Support;

/// <summary>Locates the repository (the folder holding CMLoRA.Web.sln) and its test fixtures.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TinyReference => Path.Combine(Root, "tests", "fixtures", "reference", "tiny_sdlike");

    public static string TinyLora => Path.Combine(TinyReference, "weights", "lora", "lora_kohya.safetensors");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CMLoRA.Web.sln"))) return dir.FullName;
        throw new InvalidOperationException("CMLoRA.Web.sln not found above " + AppContext.BaseDirectory);
    }
}
