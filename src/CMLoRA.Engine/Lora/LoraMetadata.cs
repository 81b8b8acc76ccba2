namespace CMLoRA.Engine.Lora;

/// <summary>
/// The metadata of a LoRA file, parsed: kohya training fields (<c>ss_*</c>), precomputed hashes (<c>sshs_*</c>), the SAI
/// model spec (<c>modelspec.*</c>), the Additional-Networks editor fields (<c>ssmd_*</c>) and suggested trigger words.
/// Every value stays available verbatim in <see cref="Raw"/>.
/// </summary>
public sealed record LoraMetadata
{
    /// <summary>The <c>__metadata__</c> entries as stored (values are always strings).</summary>
    public required IReadOnlyDictionary<string, string> Raw { get; init; }

    /// <summary><c>ss_output_name</c>: the name the trainer saved under (A1111 uses it as the LoRA alias).</summary>
    public string? OutputName { get; init; }

    /// <summary><c>ss_base_model_version</c>, e.g. <c>sd_v1</c>, <c>sd_v2</c>, <c>sdxl_base_v1-0</c>.</summary>
    public string? BaseModelVersion { get; init; }

    /// <summary><c>ss_sd_model_name</c>: the checkpoint it was trained on.</summary>
    public string? SdModelName { get; init; }

    /// <summary><c>ss_network_module</c>, e.g. <c>networks.lora</c>, <c>lycoris.kohya</c>.</summary>
    public string? NetworkModule { get; init; }

    /// <summary><c>ss_network_dim</c> (the trained rank, as text).</summary>
    public string? NetworkDim { get; init; }

    /// <summary><c>ss_network_alpha</c> (as text).</summary>
    public string? NetworkAlpha { get; init; }

    /// <summary><c>ss_network_args</c> (JSON text: conv_dim, algo, dora_wd, …).</summary>
    public string? NetworkArgs { get; init; }

    /// <summary><c>ss_training_comment</c>.</summary>
    public string? TrainingComment { get; init; }

    /// <summary><c>ss_resolution</c>, e.g. <c>(512, 512)</c>.</summary>
    public string? Resolution { get; init; }

    /// <summary><c>ss_clip_skip</c>.</summary>
    public string? ClipSkip { get; init; }

    /// <summary><c>ss_num_train_images</c>.</summary>
    public int? TrainImages { get; init; }

    /// <summary>The sum of <c>img_count</c> over <c>ss_dataset_dirs</c> (A1111's "Dataset size").</summary>
    public int? DatasetSize { get; init; }

    /// <summary><c>ss_epoch</c>.</summary>
    public int? Epochs { get; init; }

    /// <summary><c>ss_steps</c>.</summary>
    public int? Steps { get; init; }

    /// <summary><c>ss_training_finished_at</c> (Unix time in the file).</summary>
    public DateTimeOffset? TrainingFinishedAt { get; init; }

    /// <summary><c>sshs_model_hash</c>: the SHA-256 of the tensor data the trainer computed (equals AutoV3 unless stale).</summary>
    public string? SshsModelHash { get; init; }

    /// <summary><c>sshs_legacy_hash</c>: the trainer's 8-hex legacy hash.</summary>
    public string? SshsLegacyHash { get; init; }

    /// <summary>The <c>modelspec.*</c> entries with the prefix removed (<c>architecture</c>, <c>title</c>, …).</summary>
    public required IReadOnlyDictionary<string, string> ModelSpec { get; init; }

    /// <summary><c>modelspec.title</c>, else <c>ssmd_display_name</c>.</summary>
    public string? Title { get; init; }

    /// <summary><c>modelspec.author</c>, else <c>ssmd_author</c>.</summary>
    public string? Author { get; init; }

    /// <summary><c>modelspec.description</c>, else <c>ssmd_description</c>.</summary>
    public string? Description { get; init; }

    /// <summary>Trigger words the author declared: <c>modelspec.trigger_phrase</c> and <c>ssmd_keywords</c>, split on commas.</summary>
    public required IReadOnlyList<string> DeclaredTriggerWords { get; init; }

    /// <summary>Caption tag counts from <c>ss_tag_frequency</c>, most frequent first (ties by tag).</summary>
    public required IReadOnlyList<TagCount> TagFrequency { get; init; }

    /// <summary>Declared trigger words, then <c>ss_output_name</c>, then the most frequent tags; without duplicates.</summary>
    public required IReadOnlyList<string> SuggestedTriggerWords { get; init; }

    /// <summary>Fields that could not be parsed (their raw text is still in <see cref="Raw"/>).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
}
