using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tests.Sampling;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Pipelines;

/// <summary>
/// The loop driven by a stand-in denoiser that replays a reference run's per-step UNet outputs: it checks what
/// the loop feeds the denoiser (input, timestep, conditioning) and that the final latents and the decoded image
/// equal the reference (relative error ≤ 1e-5).
/// </summary>
public class TextToImagePipelineTests(ITestOutputHelper output)
{
    private sealed class ReplayPredictor(ReferenceRun reference)
    {
        public int Calls { get; private set; }

        public Tensor Predict(int step, int steps, Tensor latents, Tensor timestep, Tensor conditioning)
        {
            int k = Calls++;
            using var expectedInput = reference.Step(k, "unet_input");
            Assert.True(ReferenceRun.RelativeError(latents, expectedInput) <= 1e-5, $"step {k}: UNet input differs");
            Assert.Equal(reference.ReadDoubles($"step{k:00}_timestep")[0], timestep.to_type(ScalarType.Float64).item<double>());
            using var negative = reference.Read("negative_prompt_embeds");
            using var prompt = reference.Read("prompt_embeds");
            using var expectedConditioning = cat([negative, prompt]);
            Assert.Equal(expectedConditioning.data<float>().ToArray(), conditioning.data<float>().ToArray());
            using var uncond = reference.Step(k, "noise_pred_uncond");
            using var text = reference.Step(k, "noise_pred_text");
            return cat([uncond, text]);
        }
    }

    private static TextToImageRequest RequestFor(ReferenceRun reference) => new(
        Width: 64, Height: 64, Steps: reference.Steps, GuidanceScale: 7.5, Seed: 0,
        Sampler: reference.Kind switch
        {
            SamplerKind.DpmPlusPlus2M => "dpmpp2m",
            SamplerKind.Ddim => "ddim",
            SamplerKind.Euler => "euler",
            _ => "euler_a",
        });

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void ReplayingTheReferenceUNetOutputsReproducesTheRun(string run)
    {
        using var reference = new ReferenceRun(run);
        var predictor = new ReplayPredictor(reference);
        using var decodedRaw = reference.Read("decoded_raw");
        using var finalLatents = reference.Read("final_latents");
        Tensor Decode(Tensor scaled)
        {
            using var expected = finalLatents / TextToImagePipeline.VaeScalingFactor;
            Assert.True(ReferenceRun.RelativeError(scaled, expected) <= 1e-5, "decoder input differs");
            return decodedRaw.clone();
        }
        var pipeline = new TextToImagePipeline(predictor.Predict, Decode, reference.Config);
        using var prompt = reference.Read("prompt_embeds");
        using var negative = reference.Read("negative_prompt_embeds");
        using var noise = reference.Read("init_noise");

        using var result = pipeline.Generate(RequestFor(reference), prompt, negative, initialNoise: noise);

        Assert.Equal(reference.Steps, predictor.Calls);
        double error = ReferenceRun.RelativeError(result.Latents, finalLatents);
        output.WriteLine($"{run}: final_latents rel {error:E2}");
        Assert.True(error <= 1e-5, $"final_latents relative error {error:E3}");
        using var image = reference.Read("image_0_1");
        Assert.True(ReferenceRun.RelativeError(result.Image!, image) <= 1e-6);
        Assert.Equal(reference.ReadDoubles("timesteps"), result.Parameters.Timesteps);
        Assert.Equal(reference.Kind, result.Parameters.Sampler);
        Assert.Equal("supplied", result.Parameters.Noise.Rng);
        Assert.Equal(reference.Steps, result.StepTimes.Count);
    }

    [Fact]
    public void ProgressIsReportedEveryStepWithAPreviewOnlyInsideTheCallback()
    {
        var reports = new List<StepProgress>();
        PreviewImage? preview = null;
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => x * 0.1);
        using var result = pipeline.Generate(SmallRequest(steps: 4), Embeds(), Embeds(), p =>
        {
            reports.Add(p);
            if (p.Step == 2) preview = p.RenderPreview();
        });
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(4, r.Total));
        Assert.Equal(result.Parameters.Timesteps, reports.Select(r => r.Timestep));
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Elapsed <= p.Second.Elapsed));
        Assert.NotNull(preview);
        Assert.Equal((4, 2), (preview.Width, preview.Height)); // 32×16 image → 4×2 latents
        Assert.Equal(4 * 2 * 3, preview.Rgb.Length);
        var error = Assert.Throws<InvalidOperationException>(() => reports[0].RenderPreview());
        Assert.Equal("A step preview can only be rendered inside the progress callback of that step.", error.Message);
    }

    [Fact]
    public void CancellingDuringAStepStopsAtTheTopOfTheNext()
    {
        using var cts = new CancellationTokenSource();
        int calls = 0;
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => { calls++; return x * 0.1; });
        Assert.Throws<OperationCanceledException>(() =>
            pipeline.Generate(SmallRequest(steps: 10), Embeds(), Embeds(), p => { if (p.Step == 3) cts.Cancel(); }, cancellationToken: cts.Token));
        Assert.Equal(3, calls);
    }

    [Fact]
    public void AnAlreadyCancelledTokenRunsNoStep()
    {
        int calls = 0;
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => { calls++; return x.clone(); });
        Assert.Throws<OperationCanceledException>(() =>
            pipeline.Generate(SmallRequest(steps: 3), Embeds(), Embeds(), cancellationToken: new CancellationToken(true)));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void GuidanceAtOrBelowOneCallsTheDenoiserWithThePromptAlone()
    {
        long[]? inputShape = null, conditioningShape = null;
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => { inputShape = x.shape; conditioningShape = c.shape; return x * 0.1; });
        using var result = pipeline.Generate(SmallRequest(steps: 2) with { GuidanceScale = 1.0 }, Embeds(), Embeds());
        Assert.Equal([1L, 4, 2, 4], inputShape!);
        Assert.Equal([1L, 77, 8], conditioningShape!);
    }

    [Fact]
    public void TheSameSeedReproducesTheLatentsAndIsRecorded()
    {
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => x * 0.1);
        var request = SmallRequest(steps: 3) with { Sampler = "euler_a", Seed = 77 };
        using var a = pipeline.Generate(request, Embeds(), Embeds());
        using var b = pipeline.Generate(request, Embeds(), Embeds());
        Assert.Equal(a.Latents.data<float>().ToArray(), b.Latents.data<float>().ToArray());
        Assert.Equal(new NoiseSource(77, LatentNoise.RngSource, a.Parameters.Noise.Shape), a.Parameters.Noise);
        Assert.Equal(request, a.Parameters.Request);
        Assert.Equal(SamplerKind.EulerAncestral, a.Parameters.Sampler);
        Assert.Equal(TimestepSpacing.Linspace, a.Parameters.Scheduler.TimestepSpacing);
        Assert.Null(a.Image);
    }

    [Fact]
    public void InvalidRequestsAreRefusedBeforeAnyWork()
    {
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => x.clone());
        var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(SmallRequest(3) with { Width = 30 }, Embeds(), Embeds()));
        Assert.Equal("Width and height must be positive multiples of 8 (got 30×16).", error.Message);
        Assert.Throws<ArgumentException>(() => pipeline.Generate(SmallRequest(3) with { Sampler = "lms" }, Embeds(), Embeds()));
        using var wrong = zeros(1, 77, 16);
        Assert.Throws<ArgumentException>(() => pipeline.Generate(SmallRequest(3), Embeds(), wrong));
    }

    [Fact]
    public void TheDecodeIsTimedApartFromTheSteps()
    {
        var slowDecode = new TextToImagePipeline((_, _, x, t, c) => x * 0.1, latents =>
        {
            Thread.Sleep(300);
            return zeros(1, 3, 16, 32);
        });
        using var decoded = slowDecode.Generate(SmallRequest(steps: 2), Embeds(), Embeds());
        Assert.True(decoded.DecodeTime >= TimeSpan.FromMilliseconds(300), $"decode {decoded.DecodeTime}");
        var steps = decoded.StepTimes.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.True(decoded.Elapsed >= steps + decoded.DecodeTime, $"{decoded.Elapsed} < steps {steps} + decode {decoded.DecodeTime}");

        using var latentsOnly = new TextToImagePipeline((_, _, x, t, c) => x * 0.1).Generate(SmallRequest(steps: 2), Embeds(), Embeds());
        Assert.Equal(TimeSpan.Zero, latentsOnly.DecodeTime);
    }

    [Fact]
    public void ALongRunLeavesNoLiveTensorsBehind()
    {
        var pipeline = new TextToImagePipeline((_, _, x, t, c) => x * 0.1);
        using var prompt = Embeds();
        using var negative = Embeds();
        pipeline.Generate(SmallRequest(steps: 2), prompt, negative).Dispose(); // warm-up
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        pipeline.Generate(SmallRequest(steps: 6), prompt, negative, p => p.RenderPreview()).Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static TextToImageRequest SmallRequest(int steps) => new(Width: 32, Height: 16, Steps: steps, GuidanceScale: 7.5, Seed: 5);

    private static Tensor Embeds() => ones(1, 77, 8);
}
