using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Owns the one loaded model. Loaded on first use, on the worker's thread (never during start-up), and kept until a
/// job asks for another model, which replaces it (the old one is freed first, so two models never share memory).
/// Only the worker touches it.
/// </summary>
public sealed class GeneratorHost(ComputeDevice device, ILogger<GeneratorHost> logger) : IDisposable
{
    private StableDiffusionGenerator? _generator;
    private string? _path;
    private readonly Dictionary<(string Path, string Stamp), ModelIdentity> _hashes = [];

    /// <summary>The settings every model is loaded with (the recipe records them).</summary>
    public GeneratorSettings Settings { get; } = new(device);

    /// <summary>The loaded model's name and content hash (<see cref="ModelHashing"/>); null before the first load.</summary>
    public ModelIdentity? Identity { get; private set; }

    /// <summary>True when <paramref name="model"/> is the one loaded now (no load needed).</summary>
    public bool IsLoaded(StudioModel model) => _generator is not null && _path == model.Path;

    /// <summary>The generator of <paramref name="model"/>, loading it (and freeing the previous one) when needed.</summary>
    public StableDiffusionGenerator Get(StudioModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_generator is not null && _path == model.Path) return _generator;
        if (_generator is not null)
        {
            logger.LogInformation("Switching model from {Old} to {New}", Identity?.Name, model.Name);
            _generator.Dispose();
            _generator = null;
            _path = null;
            Identity = null;
        }
        logger.LogInformation("Loading the model {Name} ({Path}) on {Device}", model.Name, model.Path, device.Device);
        var generator = StableDiffusionGenerator.Load(model.Path, Settings);
        try
        {
            Identity = Hash(model);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
        _generator = generator;
        _path = model.Path;
        logger.LogInformation("Model {Name} loaded (hash {Hash})", model.Name, Identity.AutoV2);
        return generator;
    }

    // Hashing reads every weight byte, so a model's hash is kept for as long as its files are unchanged.
    private ModelIdentity Hash(StudioModel model)
    {
        var key = (model.Path, Stamp(model.Path));
        if (!_hashes.TryGetValue(key, out var identity))
            _hashes[key] = identity = ModelHashing.Compute(model.Path);
        // The recipe names the model as the studio lists it (and requests name it).
        return identity with { Name = model.Name };
    }

    private static string Stamp(string path)
    {
        if (File.Exists(path))
        {
            var info = new FileInfo(path);
            return $"{info.Length}:{info.LastWriteTimeUtc.Ticks}";
        }
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        return $"{files.Count}:{files.Sum(f => f.Length)}:{(files.Count == 0 ? 0 : files.Max(f => f.LastWriteTimeUtc.Ticks))}";
    }

    public void Dispose() => _generator?.Dispose();
}
