using CMLoRA.Engine.Sampling.Samplers;

namespace CMLoRA.Engine.Sampling;

/// <summary>Creates samplers by the short names the studio and CLI use, or from a diffusers scheduler class name.</summary>
public static class SamplerFactory
{
    /// <summary>The accepted names: dpmpp2m, ddim, euler, euler_a.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dpmpp2m", "ddim", "euler", "euler_a"];

    /// <summary>Maps a short name to its sampler kind.</summary>
    public static SamplerKind ParseName(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "dpmpp2m" or "dpm++2m" or "dpmpp_2m" => SamplerKind.DpmPlusPlus2M,
        "ddim" => SamplerKind.Ddim,
        "euler" => SamplerKind.Euler,
        "euler_a" or "euler_ancestral" => SamplerKind.EulerAncestral,
        _ => throw new ArgumentException($"Unknown sampler '{name}': use {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Creates the sampler <paramref name="name"/> over <paramref name="config"/> (default: SD 1.5's schedule).
    /// <paramref name="karras"/>, when given, overrides <c>use_karras_sigmas</c>. For DPM-Solver the algorithm is
    /// forced to dpmsolver++ as the CMLoRA pipelines do (spec §1.2).
    /// </summary>
    public static ISampler Create(string name, SchedulerConfig? config = null, bool? karras = null) =>
        Create(ParseName(name), config, karras);

    /// <summary>Creates the sampler of <paramref name="kind"/>; see <see cref="Create(string, SchedulerConfig?, bool?)"/>.</summary>
    public static ISampler Create(SamplerKind kind, SchedulerConfig? config = null, bool? karras = null)
    {
        var c = config ?? SchedulerConfig.StableDiffusion15;
        if (karras is { } k) c = c with { UseKarrasSigmas = k };
        return kind switch
        {
            SamplerKind.DpmPlusPlus2M => new DpmSolverMultistepSampler(c with { AlgorithmType = "dpmsolver++" }),
            SamplerKind.Ddim => new DdimSampler(c),
            SamplerKind.Euler => new EulerSampler(c),
            SamplerKind.EulerAncestral => new EulerAncestralSampler(c),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>The sampler kind of a diffusers scheduler class name (<c>_class_name</c>).</summary>
    public static SamplerKind KindOfClass(string className) => className switch
    {
        "DPMSolverMultistepScheduler" => SamplerKind.DpmPlusPlus2M,
        "DDIMScheduler" => SamplerKind.Ddim,
        "EulerDiscreteScheduler" => SamplerKind.Euler,
        "EulerAncestralDiscreteScheduler" => SamplerKind.EulerAncestral,
        _ => throw new NotSupportedException(
            $"Scheduler class '{className}' is not implemented: use DPMSolverMultistepScheduler, DDIMScheduler, EulerDiscreteScheduler or EulerAncestralDiscreteScheduler."),
    };
}
