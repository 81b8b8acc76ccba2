using System.Security.Cryptography;
using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Owns the one loaded model. Loaded on first use, on the worker's thread (never during start-up), and kept for the
/// life of the studio; only the worker touches it.
/// </summary>
public sealed class GeneratorHost(ModelLocator locator, ComputeDevice device, ILogger<GeneratorHost> logger) : IDisposable
{
    private StableDiffusionGenerator? _generator;

    /// <summary>SHA-256 over the model's weight files (sorted by relative path), lower-case hex; empty before loading.</summary>
    public string ModelSha256 { get; private set; } = "";

    /// <summary>A1111-style short model hash: the first 10 hex of <see cref="ModelSha256"/>.</summary>
    public string ModelHash => ModelSha256.Length >= 10 ? ModelSha256[..10] : ModelSha256;

    /// <summary>The model's name: its folder or file name.</summary>
    public string ModelName { get; private set; } = "";

    /// <summary>The loaded generator; loads it first when needed. Throws with a plain message when no model is available.</summary>
    public StableDiffusionGenerator Get()
    {
        if (_generator is not null) return _generator;
        var (path, error) = locator.Resolve();
        if (path is null) throw new InvalidOperationException(error);
        logger.LogInformation("Loading the model {Path} on {Device}", path, device.Device);
        var generator = StableDiffusionGenerator.Load(path, new GeneratorSettings(device));
        ModelSha256 = HashModel(path);
        ModelName = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path));
        _generator = generator;
        logger.LogInformation("Model {Name} loaded (hash {Hash})", ModelName, ModelHash);
        return generator;
    }

    // A single-file checkpoint hashes like A1111's (its SHA-256); a diffusers folder hashes its weight files in order.
    private static string HashModel(string path)
    {
        if (File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (string file in Directory.EnumerateFiles(path, "*.safetensors", SearchOption.AllDirectories)
                     .OrderBy(f => Path.GetRelativePath(path, f), StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose() => _generator?.Dispose();
}
