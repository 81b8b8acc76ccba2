using CMLoRA.Engine.Sampling;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Sampling;

/// <summary>
/// Every step of every reference run, driven by the reference's guided noise predictions (no UNet involved):
/// the UNet input and the next latents match the reference to a relative error ‖ours − ref‖/‖ref‖ ≤ 1e-5
/// per step, and so does the 10-step chain run on our own latents. Latents reach |x| ≈ 30–50.
/// </summary>
public class StepConformanceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void EachStepFromTheReferenceLatentsMatchesTheReference(string run)
    {
        using var reference = new ReferenceRun(run);
        using var sampler = reference.CreateSampler();
        var plan = sampler.Prepare(reference.Steps);
        using var initNoise = reference.Read("init_noise");
        var latents = initNoise * plan.InitNoiseSigma;
        double worstInput = 0, worstStep = 0;
        for (int k = 0; k < plan.Steps; k++)
        {
            using var expectedInput = reference.Step(k, "unet_input");
            using var modelInput = sampler.ScaleModelInput(latents, k);
            using var batched = cat([modelInput, modelInput]);
            double inputError = ReferenceRun.RelativeError(batched, expectedInput);

            using var cfg = reference.Step(k, "noise_pred_cfg");
            using var expected = reference.Step(k, "latents_out");
            using var next = sampler.Step(cfg, k, latents);
            double stepError = ReferenceRun.RelativeError(next, expected);
            output.WriteLine($"{run} step {k}: unet_input rel {inputError:E2}, latents_out rel {stepError:E2}, max|ref| {expected.abs().max().item<float>():F1}");
            Assert.True(inputError <= Tolerance, $"step {k} unet_input relative error {inputError:E3}");
            Assert.True(stepError <= Tolerance, $"step {k} latents_out relative error {stepError:E3}");
            worstInput = Math.Max(worstInput, inputError);
            worstStep = Math.Max(worstStep, stepError);

            latents.Dispose();
            latents = expected.clone(); // the next step starts from the reference's latents
        }
        latents.Dispose();
        output.WriteLine($"{run}: worst unet_input {worstInput:E2}, worst latents_out {worstStep:E2}");
    }

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void TheChainOnOurOwnLatentsEndsAtTheReferenceFinalLatents(string run)
    {
        using var reference = new ReferenceRun(run);
        using var sampler = reference.CreateSampler();
        var plan = sampler.Prepare(reference.Steps);
        using var initNoise = reference.Read("init_noise");
        var latents = initNoise * plan.InitNoiseSigma;
        for (int k = 0; k < plan.Steps; k++)
        {
            using var cfg = reference.Step(k, "noise_pred_cfg");
            var next = sampler.Step(cfg, k, latents);
            latents.Dispose();
            latents = next;
            using var expected = reference.Step(k, "latents_out");
            double error = ReferenceRun.RelativeError(latents, expected);
            Assert.True(error <= Tolerance, $"chain step {k}: relative error {error:E3}");
        }
        using var final = reference.Read("final_latents");
        double finalError = ReferenceRun.RelativeError(latents, final);
        double maxAbs = ReferenceRun.MaxAbsError(latents, final);
        output.WriteLine($"{run}: final_latents rel {finalError:E2}, max abs {maxAbs:E2}, max|ref| {final.abs().max().item<float>():F1}");
        latents.Dispose();
        Assert.True(finalError <= Tolerance, $"final_latents relative error {finalError:E3}");
    }

    [Theory]
    [MemberData(nameof(ReferenceRun.All), MemberType = typeof(ReferenceRun))]
    public void GuidanceReproducesTheReferenceCfgPrediction(string run)
    {
        using var reference = new ReferenceRun(run);
        for (int k = 0; k < reference.Steps; k++)
        {
            using var uncond = reference.Step(k, "noise_pred_uncond");
            using var text = reference.Step(k, "noise_pred_text");
            using var expected = reference.Step(k, "noise_pred_cfg");
            using var guided = Guidance.Apply(uncond, text, 7.5);
            Assert.Equal(expected.data<float>().ToArray(), guided.data<float>().ToArray());
            using var batch = cat([uncond, text]);
            using var fromBatch = Guidance.ApplyBatched(batch, 7.5);
            Assert.Equal(expected.data<float>().ToArray(), fromBatch.data<float>().ToArray());
        }
    }
}
