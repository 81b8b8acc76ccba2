using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Training;

/// <summary>
/// libtorch's CPU convolution is wrong on this machine for some shapes (ConvolutionCorrectnessTests), and its backward
/// for convolutions with 3, 4 or 8 output channels (the models' <c>conv_out</c>) returns wrong input gradients. The
/// built-in model is trained here, so every convolution its full-size VAE and UNet perform is checked — forward and
/// backward, with <see cref="ConvolutionGradientGuard"/> installed as the trainers install it — against float64, whose
/// CPU convolution takes a different kernel. Tolerance: 1e-4 relative (forward), 1e-3 relative (gradients).
/// </summary>
public class BuiltInConvolutionTests
{
    private sealed record Call(Conv2d Conv, long[] InputShape);

    [Theory]
    [InlineData(2)]
    [InlineData(32)]
    public void EveryConvolutionOfTheBuiltInModelsTrainsCorrectlyUnderTheGuard(int batch)
    {
        TinyTraining.OneThread();
        using var generator = new TorchSharp.torch.Generator(11);
        using var vae = new AutoencoderKL(BuiltInModelConfigs.Vae);
        using var unet = new UNet2DConditionModel(BuiltInModelConfigs.Unet);
        var calls = RecordConvolutions(vae, unet, generator);
        Assert.True(calls.Count > 30, $"only {calls.Count} convolutions seen");

        var failures = new List<string>();
        var seen = new HashSet<string>();
        foreach (var call in calls)
        {
            var w = call.Conv.weight!.shape;
            string key = $"[{batch},{string.Join(',', call.InputShape.Skip(1))}] → {w[0]} k{w[2]} s{call.Conv.stride![0]}";
            if (seen.Add(key)) failures.AddRange(Check(key, call, batch, generator));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void TheGuardCoversTheSmallOutputConvolutionsAndOnlyThose()
    {
        using var vae = new AutoencoderKL(BuiltInModelConfigs.Vae);
        using var unet = new UNet2DConditionModel(BuiltInModelConfigs.Unet);
        using var vaeGuard = ConvolutionGradientGuard.Install(vae);
        using var unetGuard = ConvolutionGradientGuard.Install(unet);
        Assert.Equal(4, vaeGuard.Count);   // encoder.conv_out (8), quant_conv (8), post_quant_conv (4), decoder.conv_out (3)
        Assert.Equal(1, unetGuard.Count);  // conv_out (4)
    }

    private static List<Call> RecordConvolutions(AutoencoderKL vae, UNet2DConditionModel unet, TorchSharp.torch.Generator generator)
    {
        var calls = new List<Call>();
        var removers = new List<Action>();
        foreach (nn.Module model in new nn.Module[] { vae, unet })
            foreach (var (_, module) in model.named_modules())
                if (module is Conv2d conv)
                    removers.Add(conv.register_forward_hook((_, input, output) =>
                    {
                        calls.Add(new Call(conv, input.shape));
                        return output;
                    }).remove);
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var (mean, _) = vae.Encode(rand([1, 3, 64, 64], generator: generator));
            vae.Decode(mean);
            unet.forward(randn([1, 4, 16, 16], generator: generator), tensor(new long[] { 500 }),
                randn([1, 77, BuiltInModelConfigs.TextWidth], generator: generator));
        }
        foreach (var remove in removers) remove();
        return calls;
    }

    private static IEnumerable<string> Check(string key, Call call, int batch, TorchSharp.torch.Generator generator)
    {
        using var scope = NewDisposeScope();
        var conv = call.Conv;
        var shape = new long[] { batch }.Concat(call.InputShape.Skip(1)).ToArray();
        var x = randn(shape, generator: generator).requires_grad_(true);
        using var guard = ConvolutionGradientGuard.Install(conv);
        foreach (var p in conv.parameters()) { p.requires_grad = true; p.grad?.zero_(); }
        var output = conv.call(x);
        var upstream = randn(output.shape, generator: generator);
        (output * upstream).sum().backward();

        var x64 = x.detach().to(float64).requires_grad_(true);
        var w64 = conv.weight!.detach().to(float64).requires_grad_(true);
        var b64 = conv.bias!.detach().to(float64);
        var reference = nn.functional.conv2d(x64, w64, b64, strides: conv.stride!, padding: conv.padding!);
        (reference * upstream.to(float64)).sum().backward();

        double Relative(Tensor actual, Tensor expected) =>
            (actual.to(float64) - expected).abs().max().item<double>() / Math.Max(1.0, expected.abs().max().item<double>());
        double forward = Relative(output, reference), gradX = Relative(x.grad!, x64.grad!), gradW = Relative(conv.weight.grad!, w64.grad!);
        foreach (var p in conv.parameters()) p.requires_grad = false;
        if (!(forward < 1e-4)) yield return $"{key}: forward differs by {forward:G3}";
        if (!(gradX < 1e-3)) yield return $"{key}: input gradient differs by {gradX:G3}";
        if (!(gradW < 1e-3)) yield return $"{key}: weight gradient differs by {gradW:G3}";
    }
}
