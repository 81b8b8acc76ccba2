using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Sampling.Samplers;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Sampling;

public class SchedulerConfigTests
{
    [Fact]
    public void ParsesTheModelSchedulerConfigIncludingBareNegativeInfinity()
    {
        var config = SchedulerConfig.Load(Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", "scheduler", "scheduler_config.json"));
        Assert.Equal("DPMSolverMultistepScheduler", config.ClassName);
        Assert.Equal(double.NegativeInfinity, config.LambdaMinClipped);
        Assert.Equal(TimestepSpacing.Linspace, config.TimestepSpacing);
        Assert.Equal(BetaSchedule.ScaledLinear, config.BetaSchedule);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.Equal(0.012, config.BetaEnd);
        Assert.Equal(1, config.StepsOffset);
        Assert.Equal(2, config.SolverOrder);
        Assert.Equal(FinalSigmasType.Zero, config.FinalSigmasType);
        Assert.Null(config.VarianceType);
    }

    [Fact]
    public void ReadsTheEffectiveConfigOfAReferenceRunFile()
    {
        var config = SchedulerConfig.Load(Path.Combine(RepoPaths.TinyReference, "sampling_ddim_leading.json"));
        Assert.Equal("DDIMScheduler", config.ClassName);
        Assert.Equal(TimestepSpacing.Leading, config.TimestepSpacing);
        Assert.False(config.ClipSample);
        Assert.False(config.SetAlphaToOne);
    }

    [Fact]
    public void AbsentSpacingTakesEachSchedulerClassDefault()
    {
        var sd15 = SchedulerConfig.StableDiffusion15;
        Assert.Null(sd15.TimestepSpacing);
        Assert.Equal(TimestepSpacing.Linspace, sd15.ResolveFor(SamplerKind.DpmPlusPlus2M).TimestepSpacing);
        Assert.Equal(TimestepSpacing.Linspace, sd15.ResolveFor(SamplerKind.Euler).TimestepSpacing);
        Assert.Equal(TimestepSpacing.Leading, sd15.ResolveFor(SamplerKind.Ddim).TimestepSpacing);
        Assert.True(new SchedulerConfig().ResolveFor(SamplerKind.Ddim).ClipSample);
        Assert.False(sd15.ResolveFor(SamplerKind.Ddim).ClipSample);
    }

    [Fact]
    public void StableDiffusion15DpmSolverStartsAt999WithLinspace()
    {
        using var sampler = SamplerFactory.Create("dpmpp2m");
        var plan = sampler.Prepare(10);
        Assert.Equal([999.0, 899, 799, 699, 599, 500, 400, 300, 200, 100], plan.Timesteps);
    }

    [Theory]
    [InlineData("""{"prediction_type": "sample"}""", "prediction_type 'sample' is not supported: use epsilon or v_prediction.")]
    [InlineData("""{"timestep_spacing": "even"}""", "timestep_spacing 'even' is not supported: use linspace, leading or trailing.")]
    [InlineData("""{"beta_schedule": "squaredcos_cap_v2"}""", "beta_schedule 'squaredcos_cap_v2' is not supported: use linear or scaled_linear.")]
    [InlineData("""{"final_sigmas_type": "one"}""", "final_sigmas_type 'one' is not supported: use zero or sigma_min.")]
    public void UnsupportedValuesAreRefusedWhenParsed(string json, string message)
    {
        var error = Assert.Throws<NotSupportedException>(() => SchedulerConfig.Parse(json));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void MalformedJsonIsAFormatError()
    {
        Assert.Throws<FormatException>(() => SchedulerConfig.Parse("{\"beta_start\": "));
        var error = Assert.Throws<FormatException>(() => SchedulerConfig.Parse("""{"steps_offset": "one"}"""));
        Assert.Equal("'steps_offset' must be an integer", error.Message);
    }

    [Fact]
    public void NonFiniteLiteralsInsideStringsAreLeftAlone()
    {
        var config = SchedulerConfig.Parse("""{"_class_name": "NaN Infinity", "sigma_max": Infinity, "sigma_min": NaN}""");
        Assert.Equal("NaN Infinity", config.ClassName);
        Assert.Equal(double.PositiveInfinity, config.SigmaMax);
        Assert.True(double.IsNaN(config.SigmaMin!.Value));
    }

    [Theory]
    [InlineData("sde-dpmsolver++", 2, "algorithm_type 'sde-dpmsolver++' is not supported: only dpmsolver++ (DPM-Solver++ 2M).")]
    [InlineData("dpmsolver++", 3, "solver_order 3 is not supported: use 1 or 2.")]
    public void DpmSolverRefusesVariantsItDoesNotImplement(string algorithm, int order, string message)
    {
        var config = SchedulerConfig.StableDiffusion15 with { AlgorithmType = algorithm, SolverOrder = order };
        var error = Assert.Throws<NotSupportedException>(() => new DpmSolverMultistepSampler(config));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void OtherUnsupportedOptionsAreRefusedClearly()
    {
        var sd15 = SchedulerConfig.StableDiffusion15;
        Assert.Equal("thresholding = true (dynamic thresholding) is not supported.",
            Assert.Throws<NotSupportedException>(() => new DdimSampler(sd15 with { Thresholding = true })).Message);
        Assert.Equal("rescale_betas_zero_snr = true is not supported.",
            Assert.Throws<NotSupportedException>(() => new EulerSampler(sd15 with { RescaleBetasZeroSnr = true })).Message);
        Assert.Equal("solver_type 'heun' is not supported: only midpoint.",
            Assert.Throws<NotSupportedException>(() => new DpmSolverMultistepSampler(sd15 with { SolverType = "heun" })).Message);
        Assert.Equal("use_karras_sigmas is not available for DDIM, which steps in alphas_cumprod.",
            Assert.Throws<NotSupportedException>(() => SamplerFactory.Create("ddim", karras: true)).Message);
        Assert.Equal("interpolation_type 'log_linear' is not supported: only linear.",
            Assert.Throws<NotSupportedException>(() => new EulerSampler(sd15 with { InterpolationType = "log_linear" })).Message);
    }

    [Fact]
    public void FactoryKnowsItsNamesAndRefusesOthers()
    {
        Assert.Equal(SamplerKind.EulerAncestral, SamplerFactory.ParseName("euler_a"));
        Assert.Equal(SamplerKind.DpmPlusPlus2M, SamplerFactory.ParseName("DPMPP2M"));
        var error = Assert.Throws<ArgumentException>(() => SamplerFactory.ParseName("heun"));
        Assert.StartsWith("Unknown sampler 'heun': use dpmpp2m, ddim, euler, euler_a.", error.Message);
        Assert.Throws<NotSupportedException>(() => SamplerFactory.KindOfClass("PNDMScheduler"));
    }
}
