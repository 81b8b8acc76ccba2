namespace CMLoRA.TestSupport;

/// <summary>The repository root (the folder holding CMLoRA.Web.sln) and the build configuration of these tests.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>Where tests leave files worth looking at after a run (screenshots, logs); ignored by git.</summary>
    public static string Artifacts(string kind)
    {
        string folder = System.IO.Path.Combine(Path, "artifacts", kind);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CMLoRA.Web.sln"))) return dir.FullName;
        throw new InvalidOperationException("CMLoRA.Web.sln not found above " + AppContext.BaseDirectory);
    }
}
