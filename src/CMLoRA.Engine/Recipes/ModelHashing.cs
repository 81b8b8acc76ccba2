using System.Security.Cryptography;
using System.Text;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Content hashes of base models. A single file is hashed whole (its AutoV2 is then A1111's "Model hash"). A diffusers
/// folder has no standard hash, so it gets a digest over the files of the model itself: <c>model_index.json</c> and the
/// files with a weight, configuration or tokenizer extension (<see cref="DigestExtensions"/>) in <c>unet/</c>,
/// <c>vae/</c>, <c>text_encoder/</c>, <c>tokenizer/</c>, <c>scheduler/</c> and any other component folder it declares,
/// hashed one by one, then SHA-256 over the lines <c>relative/path\nsha256\n</c> sorted by path (ordinal, '/'
/// separators). Files kept beside the model (LoRAs in <c>loras/</c>, a single-file variant, pictures) do not change
/// it. A folder without <c>model_index.json</c> (a stand-alone VAE folder) is digested over all such files below it.
/// Hashing reads every weight byte, so callers that generate often compute it once per loaded model.
/// </summary>
public static class ModelHashing
{
    /// <summary><see cref="ModelIdentity.Format"/> of a single-file checkpoint.</summary>
    public const string SingleFile = "single-file";

    /// <summary><see cref="ModelIdentity.Format"/> of a diffusers folder.</summary>
    public const string DiffusersFolder = "diffusers";

    /// <summary>The file extensions a diffusers folder digest covers.</summary>
    public static IReadOnlyList<string> DigestExtensions { get; } =
        [".safetensors", ".bin", ".ckpt", ".pt", ".pth", ".json", ".txt", ".model"];

    /// <summary>The identity of the model at <paramref name="path"/> (a file or a diffusers folder).</summary>
    public static ModelIdentity Compute(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            string sha = HashFile(full, cancellationToken);
            return new ModelIdentity(Path.GetFileNameWithoutExtension(full), SingleFile, sha, sha[..10]);
        }
        if (!Directory.Exists(full)) throw new FileNotFoundException($"Model not found: {path}", path);

        var files = DigestFiles(full).OrderBy(f => f.Relative, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"No model files in folder: {path}", path);
        var listing = new StringBuilder();
        foreach (var (file, relative) in files)
            listing.Append(relative).Append('\n').Append(HashFile(file, cancellationToken)).Append('\n');
        string digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
        string name = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return new ModelIdentity(name, DiffusersFolder, digest, digest[..10]);
    }

    /// <summary>The component folders a diffusers folder digest always covers, declared in model_index.json or not.</summary>
    public static IReadOnlyList<string> ComponentFolders { get; } = ["unet", "vae", "text_encoder", "tokenizer", "scheduler"];

    // model_index.json, the standard component folders (the generator reads tokenizer/ even where model_index.json
    // declares it null) and any other folder it declares; everything below a folder without model_index.json.
    private static IEnumerable<(string Full, string Relative)> DigestFiles(string root)
    {
        string index = Path.Combine(root, Loading.DiffusersFolder.ModelIndexFileName);
        if (!File.Exists(index)) return Below(root, root);
        var components = ComponentFolders.Union(DeclaredComponents(root), StringComparer.Ordinal)
            .Where(name => name.Length > 0 && name == Path.GetFileName(name) && name is not ("." or ".."))
            .Select(name => Path.Combine(root, name))
            .Where(Directory.Exists);
        return components.SelectMany(folder => Below(root, folder)).Prepend((index, Loading.DiffusersFolder.ModelIndexFileName));
    }

    // A model_index.json that does not parse is still hashed (as bytes); the loader is the one to report it.
    private static IEnumerable<string> DeclaredComponents(string root)
    {
        try
        {
            return Loading.DiffusersFolder.Open(root).Components.Keys;
        }
        catch (Loading.CheckpointLoadException)
        {
            return [];
        }
    }

    private static IEnumerable<(string Full, string Relative)> Below(string root, string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Where(f => !f.Relative.Split('/').Any(part => part.StartsWith('.')))
            .Where(f => DigestExtensions.Contains(Path.GetExtension(f.Full).ToLowerInvariant()));

    private static string HashFile(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
