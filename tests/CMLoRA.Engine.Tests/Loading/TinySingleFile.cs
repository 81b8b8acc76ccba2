using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>
/// Single files made from the tiny fixture's LDM file (tiny UNet/VAE/text encoder, not SD 1.5 shapes) with chosen
/// <see cref="SingleFileMetadata"/> keys, for the tests of configs and tokenizers carried in the header.
/// </summary>
internal static class TinySingleFile
{
    public static string DiffusersFolder => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");

    public static string LdmFile => Path.Combine(RepoPaths.TinyReference, "weights", "ldm", "model.safetensors");

    /// <summary>
    /// Every metadata key, from the files of a complete tiny model folder (<see cref="TinyModelFolder.Create"/>): the
    /// component configs and scheduler config as stored, and its 1000-token tokenizer.
    /// </summary>
    public static Dictionary<string, string> FullMetadata(string tinyModelFolder) => new()
    {
        [SingleFileMetadata.UnetConfigKey] = File.ReadAllText(Path.Combine(tinyModelFolder, "unet", "config.json")),
        [SingleFileMetadata.VaeConfigKey] = File.ReadAllText(Path.Combine(tinyModelFolder, "vae", "config.json")),
        [SingleFileMetadata.TextEncoderConfigKey] = File.ReadAllText(Path.Combine(tinyModelFolder, "text_encoder", "config.json")),
        [SingleFileMetadata.SchedulerConfigKey] = File.ReadAllText(Path.Combine(tinyModelFolder, "scheduler", "scheduler_config.json")),
        [SingleFileMetadata.TokenizerVocabKey] = File.ReadAllText(Path.Combine(tinyModelFolder, "tokenizer", "vocab.json")),
        [SingleFileMetadata.TokenizerMergesKey] = File.ReadAllText(Path.Combine(tinyModelFolder, "tokenizer", "merges.txt")),
    };

    /// <summary>Writes the tiny LDM tensors (those <paramref name="keep"/> accepts) with <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static string Write(string path, IReadOnlyDictionary<string, string> metadata, Func<string, bool>? keep = null)
    {
        using var source = SafetensorsFile.Open(LdmFile);
        var tensors = source.Entries.Where(e => keep?.Invoke(e.Name) ?? true)
            .Select(e => KeyValuePair.Create(e.Name, source.ReadTensor(e.Name))).ToList();
        try
        {
            SafetensorsWriter.Write(path, tensors, metadata);
        }
        finally
        {
            foreach (var t in tensors) t.Value.Dispose();
        }
        return path;
    }

    /// <summary><paramref name="metadata"/> with <paramref name="key"/> set to <paramref name="value"/>, or removed when null.</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> metadata, string key, string? value)
    {
        var copy = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        if (value is null) copy.Remove(key);
        else copy[key] = value;
        return copy;
    }
}
