namespace CMLoRA.Web.Configuration;

/// <summary>
/// Finds the folder that holds the studio's appsettings.json and wwwroot: the repository root when run
/// from a checkout (so `dotnet run --project src/CMLoRA.Web` uses the root files), else the app folder.
/// </summary>
public static class ContentRoot
{
    public const string MarkerFile = "CMLoRA.Web.sln";

    public static string Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("CMLORA_CONTENT_ROOT");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        return FindUpwards(Directory.GetCurrentDirectory()) ?? FindUpwards(AppContext.BaseDirectory) ?? AppContext.BaseDirectory;
    }

    private static string? FindUpwards(string start)
    {
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, MarkerFile))) return dir.FullName;
        return null;
    }
}
