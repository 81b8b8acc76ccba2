namespace CMLoRA.Web.Configuration;

/// <summary>The resolved folders of one running studio (all under <see cref="StudioOptions.DataDir"/>).</summary>
public sealed class StudioPaths(string contentRoot, string dataDir, string databasePath)
{
    public string ContentRoot { get; } = contentRoot;
    public string DataDir { get; } = dataDir;
    public string DatabasePath { get; } = databasePath;

    /// <summary>Content-addressed LoRA files: loras/&lt;sha256&gt;.safetensors.</summary>
    public string Loras => Path.Combine(DataDir, "loras");

    /// <summary>Thumbnails we encoded ourselves; never a user's original image.</summary>
    public string Previews => Path.Combine(DataDir, "previews");

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

    public void EnsureCreated()
    {
        foreach (string folder in new[] { DataDir, Loras, Previews, Temp, Keys, Images }) Directory.CreateDirectory(folder);
    }
}
