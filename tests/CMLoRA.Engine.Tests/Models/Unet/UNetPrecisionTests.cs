using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Unet;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Unet;

/// <summary>
/// dtype plumbing: weights converted while streaming or after loading, inputs cast to the weights' dtype, and the
/// output in the weights' dtype. Checked on the CPU with float64 (must reach the fp64 reference) and float16
/// (CUDA's half type; bfloat16 shares the code path but libtorch's CPU bf16 convolution is too coarse to test here).
/// </summary>
public class UNetPrecisionTests(TinyUnetFixture tiny, ITestOutputHelper output) : IClassFixture<TinyUnetFixture>
{
    private double ErrorAgainstFloat64Reference(UNet2DConditionModel unet, ScalarType expectedType, string how)
    {
        using var guard = no_grad();
        using var latents = tiny.Inputs.ReadTensor("unet_latents");
        using var context = tiny.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var t = tensor(333.5f);
        using var prediction = unet.call(latents, t, context);
        Assert.Equal(expectedType, prediction.dtype);
        using var reference = tiny.OutputsF64.ReadTensor("unet_noise_pred_t333.5");
        var error = ReferenceComparison.Of(prediction, reference);
        output.WriteLine($"{expectedType} ({how}): {error}");
        return error.RelativeError;
    }

    [Fact]
    public void Float64WeightsReachTheFloat64Reference()
    {
        using var unet = UNet2DConditionModel.FromDiffusersFolder(TinyUnetFixture.UnetFolder,
            new LayerFactory(CPU, ScalarType.Float64));
        // The reference inputs were rounded to float32 once; everything after that is float64 on both sides.
        Assert.True(ErrorAgainstFloat64Reference(unet, ScalarType.Float64, "built in fp64") <= 1e-7);
    }

    [Fact]
    public void WeightsStreamedIntoFloat16ParametersPredictCloseToReference()
    {
        using var unet = UNet2DConditionModel.FromDiffusersFolder(TinyUnetFixture.UnetFolder,
            new LayerFactory(CPU, ScalarType.Float16));
        Assert.All(unet.parameters(), p => Assert.Equal(ScalarType.Float16, p.dtype));
        // float16 rounds at 2^-11 ≈ 5e-4 per operation; measured 1.4e-3 over the whole UNet.
        Assert.True(ErrorAgainstFloat64Reference(unet, ScalarType.Float16, "built in fp16") <= 5e-3);
    }

    [Fact]
    public void ModelMovedToFloat16AfterLoadingPredictsCloseToReference()
    {
        using var unet = UNet2DConditionModel.FromDiffusersFolder(TinyUnetFixture.UnetFolder);
        unet.to(CPU, ScalarType.Float16);
        Assert.True(ErrorAgainstFloat64Reference(unet, ScalarType.Float16, "loaded fp32, then .to(fp16)") <= 5e-3);
    }
}
