namespace CMLoRA.Engine.TestSupport;

/// <summary>Locates the repository (the folder holding CMLoRA.Web.sln) and its test fixtures.</summary>
public static class RepoPaths
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>tests/fixtures.</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    /// <summary>The tiny SD-topology reference model (tests/fixtures/reference/tiny_sdlike; see its README).</summary>
    public static string TinyReference => Path.Combine(Fixtures, "reference", "tiny_sdlike");

    /// <summary>The tiny reference model's kohya LoRA.</summary>
    public static string TinyLora => Path.Combine(TinyReference, "weights", "lora", "lora_kohya.safetensors");

    /// <summary>SD 1.5 key and shape manifests (tests/fixtures/sd15).</summary>
    public static string Sd15Manifests => Path.Combine(Fixtures, "sd15");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CMLoRA.Web.sln"))) return dir.FullName;
        throw new InvalidOperationException("CMLoRA.Web.sln not found above " + AppContext.BaseDirectory);
    }
}
