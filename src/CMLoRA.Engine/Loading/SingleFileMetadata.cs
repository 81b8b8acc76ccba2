using System.Text.Json;
using System.Text.Json.Nodes;
using CMLoRA.Engine.Models;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Loading;

/// <summary>
/// What a single-file checkpoint may carry in its safetensors metadata besides the weights: the diffusers configs of
/// its UNet, VAE, text encoder and scheduler (JSON strings) and its CLIP tokenizer (the texts of <c>vocab.json</c> and
/// <c>merges.txt</c>). SD 1.x files from elsewhere carry none of these keys and load with SD 1.5's configs and the
/// CLIP ViT-L/14 vocabulary; the built-in model's single file carries all of them. Each key is optional and stands
/// alone; a key that is present is validated when read, and every error names the key.
/// </summary>
public sealed class SingleFileMetadata
{
    /// <summary>The UNet's diffusers <c>config.json</c>.</summary>
    public const string UnetConfigKey = "cmlora.unet_config";

    /// <summary>The VAE's diffusers <c>config.json</c>.</summary>
    public const string VaeConfigKey = "cmlora.vae_config";

    /// <summary>The text encoder's transformers <c>config.json</c>.</summary>
    public const string TextEncoderConfigKey = "cmlora.text_encoder_config";

    /// <summary>The scheduler's <c>scheduler_config.json</c>.</summary>
    public const string SchedulerConfigKey = "cmlora.scheduler_config";

    /// <summary>The tokenizer's <c>vocab.json</c> (token → id); needs <see cref="TokenizerMergesKey"/>.</summary>
    public const string TokenizerVocabKey = "cmlora.tokenizer_vocab";

    /// <summary>The tokenizer's <c>merges.txt</c>; needs <see cref="TokenizerVocabKey"/>.</summary>
    public const string TokenizerMergesKey = "cmlora.tokenizer_merges";

    /// <summary>Metadata of a file that carries none of the keys.</summary>
    public static SingleFileMetadata None { get; } = new(null, null, null, null, null);

    private SingleFileMetadata(JsonObject? unet, JsonObject? vae, ClipTextConfig? textEncoder, JsonObject? scheduler, ClipTokenizer? tokenizer)
    {
        UnetConfig = unet;
        VaeConfig = vae;
        TextEncoderConfig = textEncoder;
        SchedulerConfig = scheduler;
        Tokenizer = tokenizer;
    }

    /// <summary>The UNet config (a valid <see cref="UNetConfig"/>), or null when the file has none.</summary>
    public JsonObject? UnetConfig { get; }

    /// <summary>The VAE config (a valid <see cref="Models.Vae.VaeConfig"/>), or null when the file has none.</summary>
    public JsonObject? VaeConfig { get; }

    /// <summary>The text encoder config, or null when the file has none.</summary>
    public ClipTextConfig? TextEncoderConfig { get; }

    /// <summary>The scheduler config (a valid <see cref="Sampling.SchedulerConfig"/>), or null when the file has none.</summary>
    public JsonObject? SchedulerConfig { get; }

    /// <summary>The tokenizer, or null when the file has none. Its size equals the text encoder's <c>vocab_size</c>.</summary>
    public ClipTokenizer? Tokenizer { get; }

    /// <summary>Reads and validates the keys of <paramref name="file"/>.</summary>
    /// <exception cref="CheckpointLoadException">a key holds invalid JSON, a config this engine cannot build, a
    /// tokenizer without its other half, bad tokenizer files, or a vocabulary whose size is not the text encoder's.</exception>
    public static SingleFileMetadata Read(SafetensorsFile file)
    {
        var metadata = file.Metadata;
        string path = file.Path;
        var (unet, _) = Config(metadata, UnetConfigKey, path, "UNet", Models.Unet.UNetConfig.FromJson);
        var (vae, _) = Config(metadata, VaeConfigKey, path, "VAE", Models.Vae.VaeConfig.FromJson);
        var (scheduler, _) = Config(metadata, SchedulerConfigKey, path, "scheduler", Sampling.SchedulerConfig.Parse);
        var (_, textEncoder) = Config(metadata, TextEncoderConfigKey, path, "text encoder", ClipTextConfig.FromJson);
        return new SingleFileMetadata(unet, vae, textEncoder, scheduler, ReadTokenizer(metadata, path, textEncoder));
    }

    // The JSON object and the config class it must parse as (the class the default factories build from).
    private static (JsonObject? Json, T? Config) Config<T>(IReadOnlyDictionary<string, string> metadata, string key, string path,
        string what, Func<string, T> parse) where T : class
    {
        if (!metadata.TryGetValue(key, out string? json)) return (null, null);
        JsonObject parsed;
        try
        {
            parsed = LenientJson.ParseObject(json);
        }
        catch (JsonException ex)
        {
            throw Invalid(path, key, $"is not a JSON object: {ConfigJson.WithoutPath(ex.Message)}", ex);
        }
        try
        {
            return (parsed, parse(json));
        }
        catch (Exception ex) when (ex is ModelConfigException or FormatException or NotSupportedException or ArgumentException)
        {
            throw Invalid(path, key, $"is not a valid {what} config: {ex.Message}", ex);
        }
    }

    private static ClipTokenizer? ReadTokenizer(IReadOnlyDictionary<string, string> metadata, string path, ClipTextConfig? textEncoder)
    {
        bool hasVocab = metadata.TryGetValue(TokenizerVocabKey, out string? vocab);
        bool hasMerges = metadata.TryGetValue(TokenizerMergesKey, out string? merges);
        if (!hasVocab && !hasMerges) return null;
        if (!hasVocab || !hasMerges)
        {
            var (present, missing) = hasVocab ? (TokenizerVocabKey, TokenizerMergesKey) : (TokenizerMergesKey, TokenizerVocabKey);
            throw Invalid(path, missing, $"is missing: a tokenizer needs both '{TokenizerVocabKey}' and '{TokenizerMergesKey}', the file has only '{present}'");
        }
        ClipTokenizer tokenizer;
        try
        {
            tokenizer = ClipTokenizer.FromText(vocab!, merges!, $"'{path}' metadata");
        }
        catch (InvalidDataException ex)
        {
            string key = ex.Message.Contains(ClipTokenizer.MergesFileName, StringComparison.Ordinal) ? TokenizerMergesKey : TokenizerVocabKey;
            throw Invalid(path, key, $"is not a CLIP tokenizer file: {ex.Message}", ex);
        }
        // Token ids index the text encoder's embedding; SD 1.x files without a config use CLIP's 49408 tokens.
        int expected = (textEncoder ?? ClipTextConfig.StableDiffusion15).VocabSize;
        if (tokenizer.VocabularySize != expected)
        {
            string where = textEncoder is null ? "the SD 1.5 text encoder (no text encoder config in the file)" : $"'{TextEncoderConfigKey}'";
            throw Invalid(path, TokenizerVocabKey, $"holds {tokenizer.VocabularySize} tokens, but {where} has vocab_size {expected}");
        }
        return tokenizer;
    }

    private static CheckpointLoadException Invalid(string path, string key, string problem, Exception? inner = null)
    {
        string message = $"'{path}': metadata '{key}' {problem}";
        return inner is null ? new CheckpointLoadException(message) : new CheckpointLoadException(message, inner);
    }
}
