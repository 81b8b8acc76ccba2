namespace CMLoRA.Web.Configuration;

/// <summary>
/// The resolved folders of one running studio: everything under <see cref="StudioOptions.DataDir"/> except the database
/// file and the models folder, which may be configured elsewhere.
/// </summary>
public sealed class StudioPaths(string contentRoot, string dataDir, string databasePath, string? modelsDir = null)
{
    public string ContentRoot { get; } = contentRoot;
    public string DataDir { get; } = dataDir;
    public string DatabasePath { get; } = databasePath;

    /// <summary>Further base models requests may name (Studio:ModelsDir; default DataDir/models).</summary>
    public string ModelsDir { get; } = modelsDir ?? Path.Combine(dataDir, "models");

    /// <summary>Content-addressed LoRA files: loras/&lt;sha256&gt;.safetensors.</summary>
    public string Loras => Path.Combine(DataDir, "loras");

    /// <summary>Thumbnails we encoded ourselves; never a user's original image.</summary>
    public string Previews => Path.Combine(DataDir, "previews");

    /// <summary>Full frequency profiles (LoraProfileJson) of library LoRAs: profiles/&lt;sha256&gt;.profile.json.</summary>
    public string Profiles => Path.Combine(DataDir, "profiles");

    public string ProfileFile(string sha256) => Path.Combine(Profiles, sha256 + ".profile.json");

    /// <summary>Uploads in flight; files here are either moved into place or deleted.</summary>
    public string Temp => Path.Combine(DataDir, "tmp");

    public string Keys => Path.Combine(DataDir, "keys");

    /// <summary>Generated images: images/&lt;image id&gt;.png (names we generate, never user input).</summary>
    public string Images => Path.Combine(DataDir, "images");

    public string ImageFile(string fileName) => Path.Combine(Images, Path.GetFileName(fileName));

    public string LoraFile(string sha256) => Path.Combine(Loras, sha256 + ".safetensors");

    /// <summary>Removes uploads a crash interrupted; nothing in tmp/ is ever referenced by the database.</summary>
    public int ClearTemp()
    {
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(Temp))
        {
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException)
            {
                // in use by another instance on the same data folder; it cleans up after itself
            }
        }
        return removed;
    }

    /// <summary>
    /// Creates every folder the studio writes to or lists, parents included, so a fresh machine (no DataDir yet, a
    /// database or models folder configured somewhere new) starts without a manual mkdir. Existing folders are kept.
    /// </summary>
    public void EnsureCreated()
    {
        string? databaseFolder = Path.GetDirectoryName(DatabasePath);
        foreach (string folder in new[] { DataDir, Loras, Previews, Profiles, Temp, Keys, Images, ModelsDir })
            Directory.CreateDirectory(folder);
        if (!string.IsNullOrEmpty(databaseFolder)) Directory.CreateDirectory(databaseFolder);
    }
}
