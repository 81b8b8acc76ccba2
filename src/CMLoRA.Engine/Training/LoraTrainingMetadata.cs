using System.Globalization;
using System.Text.Json;
using CMLoRA.Engine.Lora;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The <c>__metadata__</c> of a trained LoRA in kohya sd-scripts' vocabulary (<c>ss_*</c>, read by A1111, ComfyUI and
/// our <see cref="LoraMetadataReader"/>) plus <c>modelspec.trigger_phrase</c> for the trigger word.
/// </summary>
public static class LoraTrainingMetadata
{
    /// <summary>The metadata for a LoRA trained with <paramref name="options"/> on <paramref name="captions"/>.</summary>
    public static IReadOnlyDictionary<string, string> Build(LoraTrainingOptions options, IReadOnlyList<string> captions, TrainingResult result,
        DateTimeOffset started, int resolution)
    {
        string name = Path.GetFileNameWithoutExtension(options.OutputPath);
        string dataset = options.Concept is { } concept ? $"world:{concept}" : Path.GetFileName(Path.GetFullPath(options.DataPath!).TrimEnd(Path.DirectorySeparatorChar));
        string folder = $"1_{dataset}";
        var tags = TagFrequency(captions, options.Trigger);
        string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        var metadata = new Dictionary<string, string>
        {
            ["ss_output_name"] = name,
            ["ss_network_module"] = "networks.lora",
            ["ss_network_dim"] = options.Rank.ToString(CultureInfo.InvariantCulture),
            ["ss_network_alpha"] = options.ResolvedAlpha.ToString(CultureInfo.InvariantCulture),
            ["ss_base_model_version"] = BaseModelDetector.BuiltInBaseModelVersion,
            ["ss_sd_model_name"] = Path.GetFileName(Path.GetFullPath(options.ModelPath).TrimEnd(Path.DirectorySeparatorChar)),
            ["ss_resolution"] = Invariant($"({resolution}, {resolution})"),
            ["ss_num_train_images"] = captions.Count.ToString(CultureInfo.InvariantCulture),
            ["ss_dataset_dirs"] = JsonSerializer.Serialize(new Dictionary<string, object> { [dataset] = new Dictionary<string, int> { ["n_repeats"] = 1, ["img_count"] = captions.Count } }),
            ["ss_tag_frequency"] = JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, int>> { [folder] = tags }),
            ["ss_steps"] = result.FinalStep.ToString(CultureInfo.InvariantCulture),
            ["ss_max_train_steps"] = options.Steps.ToString(CultureInfo.InvariantCulture),
            ["ss_epoch"] = Math.Max(1, (int)Math.Ceiling((double)result.FinalStep * options.BatchSize / captions.Count)).ToString(CultureInfo.InvariantCulture),
            ["ss_batch_size_per_device"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["ss_learning_rate"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["ss_unet_lr"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["ss_text_encoder_lr"] = options.TrainTextEncoder ? options.LearningRate.ToString("R", CultureInfo.InvariantCulture) : "0",
            ["ss_lr_scheduler"] = options.Cosine ? "cosine" : "constant",
            ["ss_lr_warmup_steps"] = options.WarmupSteps.ToString(CultureInfo.InvariantCulture),
            ["ss_optimizer"] = "torch.optim.AdamW",
            ["ss_seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["ss_caption_dropout_rate"] = options.CaptionDropout.ToString("R", CultureInfo.InvariantCulture),
            ["ss_clip_skip"] = "1",
            ["ss_mixed_precision"] = "no",
            ["ss_save_precision"] = options.HalfPrecision ? "fp16" : "float",
            ["ss_training_started_at"] = Invariant($"{started.ToUnixTimeMilliseconds() / 1000.0:F3}"),
            ["ss_training_finished_at"] = Invariant($"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F3}"),
            ["ss_training_comment"] = Invariant($"cmlora train lora; final loss {result.FinalLoss:F5}; {result.TotalSeconds:F0} s"),
            ["modelspec.title"] = name,
        };
        if (options.Trigger is { } trigger) metadata["modelspec.trigger_phrase"] = trigger;
        return metadata;
    }

    /// <summary>Comma-separated caption parts counted over all captions, with the trigger word as its own tag.</summary>
    public static Dictionary<string, int> TagFrequency(IReadOnlyList<string> captions, string? trigger)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string caption in captions)
        {
            foreach (string part in caption.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                counts[part] = counts.GetValueOrDefault(part) + 1;
            if (trigger is not null && caption.Contains(trigger, StringComparison.OrdinalIgnoreCase))
                counts[trigger] = counts.GetValueOrDefault(trigger) + 1;
        }
        return counts;
    }
}
