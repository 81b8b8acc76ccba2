namespace CMLoRA.Engine.TestSupport;

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
/// <param name="prefix">The start of the folder's name, so leftovers show which tests made them.</param>
public sealed class TempDirectory(string prefix = "cmlora-test-") : IDisposable
{
    /// <summary>The folder's full path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The path of <paramref name="name"/> inside the folder (nothing is created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } // best effort
    }
}
