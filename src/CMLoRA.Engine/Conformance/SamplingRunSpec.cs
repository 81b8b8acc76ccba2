using System.Text.Json.Nodes;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// What a reference run's <c>.json</c> says about how it was sampled: the effective scheduler config and class, and
/// the optional <c>num_inference_steps</c>, <c>guidance_scale</c> (diffusers' default 7.5), <c>width</c>/<c>height</c>,
/// <c>seed</c>, <c>eta</c> (or <c>call_kwargs.eta</c>) and <c>lora</c> (<c>file</c> relative to the reference
/// directory, <c>scale</c>).
/// </summary>
internal sealed record SamplingRunSpec(
    SchedulerConfig Scheduler,
    SamplerKind Kind,
    int? Steps,
    double GuidanceScale,
    int? Width,
    int? Height,
    long Seed,
    string? LoraPath,
    float LoraWeight)
{
    /// <summary>diffusers' <c>StableDiffusionPipeline</c> default guidance.</summary>
    public const double DefaultGuidanceScale = 7.5;

    /// <summary>The pipeline's name for <see cref="Kind"/>.</summary>
    public string SamplerName => Kind switch
    {
        SamplerKind.DpmPlusPlus2M => "dpmpp2m",
        SamplerKind.Ddim => "ddim",
        SamplerKind.Euler => "euler",
        _ => "euler_a",
    };

    /// <exception cref="FormatException">the file is unreadable or names no scheduler class.</exception>
    /// <exception cref="NotSupportedException">the run uses a scheduler or option this engine does not reproduce.</exception>
    public static SamplingRunSpec Read(SamplingRunFiles run, ReferenceDirectory reference)
    {
        string fileName = Path.GetFileName(run.JsonPath);
        var scheduler = SchedulerConfig.Load(run.JsonPath);
        JsonObject json;
        try
        {
            json = LenientJson.ReadObject(run.JsonPath);
        }
        catch (CheckpointLoadException e)
        {
            throw new FormatException(e.Message, e);
        }
        var kind = SamplerFactory.KindOfClass(scheduler.ClassName
            ?? throw new FormatException($"{fileName} names no scheduler class (scheduler_class or _class_name)"));
        if (kind == SamplerKind.DpmPlusPlus2M && scheduler.AlgorithmType != "dpmsolver++")
            throw new NotSupportedException($"DPM-Solver algorithm_type '{scheduler.AlgorithmType}': only dpmsolver++ is reproduced");
        double eta = Number(json, "eta") ?? Number(json["call_kwargs"] as JsonObject, "eta") ?? 0;
        if (eta != 0)
            throw new NotSupportedException($"eta {eta}: the pipeline samples DDIM with eta 0 only");

        string? loraPath = null;
        float loraWeight = 1f;
        if (json["lora"] is JsonObject lora)
        {
            loraPath = lora["file"] is JsonValue file && file.TryGetValue(out string? relative)
                ? Path.GetFullPath(Path.Combine(reference.Root, relative))
                : reference.LoraPath ?? throw new FormatException($"{fileName} asks for a LoRA but names no file and weights/lora has none");
            if (!File.Exists(loraPath)) throw new FormatException($"{fileName}: LoRA file not found: {loraPath}");
            loraWeight = (float)(Number(lora, "scale") ?? reference.ConfigLoraScale ?? 1.0);
        }
        return new SamplingRunSpec(
            scheduler, kind,
            (int?)Number(json, "num_inference_steps"),
            Number(json, "guidance_scale") ?? DefaultGuidanceScale,
            (int?)Number(json, "width"),
            (int?)Number(json, "height"),
            (long)(Number(json, "seed") ?? 0),
            loraPath, loraWeight);
    }

    private static double? Number(JsonObject? json, string key) =>
        json?[key] is JsonValue value && value.TryGetValue(out double number) ? number : null;
}
