using CMLoRA.Web.Configuration;
using Microsoft.Extensions.Options;

namespace CMLoRA.Web.Generation;

/// <summary>Where the model comes from: Studio:DefaultModelPath, else the built-in model in models/builtin.</summary>
public sealed class ModelLocator(IOptions<StudioOptions> options, StudioPaths paths)
{
    public const string BuiltInFolder = "models/builtin";

    /// <summary>The model path when it exists, else a message saying what to configure.</summary>
    public (string? Path, string? Error) Resolve()
    {
        string configured = options.Value.DefaultModelPath;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(paths.ContentRoot, configured));
            return File.Exists(path) || Directory.Exists(path)
                ? (path, null)
                : (null, $"The model configured in Studio:DefaultModelPath was not found ({path}).");
        }
        string builtIn = System.IO.Path.Combine(paths.ContentRoot, BuiltInFolder);
        return Directory.Exists(builtIn)
            ? (builtIn, null)
            : (null, $"No model to generate with: set Studio:DefaultModelPath or put the built-in model in {BuiltInFolder}.");
    }
}
