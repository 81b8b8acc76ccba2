using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Unet;

/// <summary>The UNet against diffusers 0.27.2 on the tiny SD-topology model (fp32 reference, fp64 twin for the error budget).</summary>
public class UNetConformanceTests(TinyUnetFixture tiny, ITestOutputHelper output) : IClassFixture<TinyUnetFixture>
{
    private const double RelativeTolerance = 1e-4;

    [Theory]
    [InlineData(0, "999")]
    [InlineData(1, "500")]
    [InlineData(2, "1")]
    [InlineData(3, "333.5")]
    public void NoisePredictionMatchesReference(int index, string label)
    {
        using var guard = no_grad();
        using var latents = tiny.Inputs.ReadTensor("unet_latents");
        using var context = tiny.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var timesteps = tiny.Inputs.ReadTensor("unet_timesteps");
        using var t = timesteps[index];
        Assert.Equal(double.Parse(label, CultureInfo.InvariantCulture), t.item<float>());

        var clock = Stopwatch.StartNew();
        using var prediction = tiny.Unet.call(latents, t, context);
        clock.Stop();

        using var reference = tiny.Outputs.ReadTensor($"unet_noise_pred_t{label}");
        using var reference64 = tiny.OutputsF64.ReadTensor($"unet_noise_pred_t{label}");
        var vsF32 = ReferenceComparison.Of(prediction, reference);
        var vsF64 = ReferenceComparison.Of(prediction, reference64);
        output.WriteLine($"unet_noise_pred_t{label}: vs fp32 ref {vsF32}; vs fp64 ref {vsF64}; forward {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(vsF32.RelativeError <= RelativeTolerance, $"relative error {vsF32}");
        Assert.True(vsF64.RelativeError <= RelativeTolerance, $"relative error vs fp64 {vsF64}");
    }

    [Fact]
    public void BatchOfTimestepsEqualsOneCallPerTimestep()
    {
        using var guard = no_grad();
        using var latents = tiny.Inputs.ReadTensor("unet_latents");
        using var context = tiny.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var perSample = tensor(new float[] { 999f, 333.5f });
        using var batched = tiny.Unet.call(latents, perSample, context);
        using var first = tiny.Outputs.ReadTensor("unet_noise_pred_t999");
        using var second = tiny.Outputs.ReadTensor("unet_noise_pred_t333.5");
        using var firstOurs = batched[0];
        using var firstRef = first[0];
        using var secondOurs = batched[1];
        using var secondRef = second[1];
        Assert.True(ReferenceComparison.Of(firstOurs, firstRef).RelativeError <= RelativeTolerance);
        Assert.True(ReferenceComparison.Of(secondOurs, secondRef).RelativeError <= RelativeTolerance);
    }
}
