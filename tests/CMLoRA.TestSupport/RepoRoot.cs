namespace CMLoRA.TestSupport;

/// <summary>The repository root (the folder holding CMLoRA.Web.sln) and the build configuration of these tests.</summary>
public static class RepoRoot
{
    public static string Path => CMLoRA.Engine.TestSupport.RepoPaths.Root;

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
}
