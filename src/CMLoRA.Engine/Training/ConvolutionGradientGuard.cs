using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// libtorch 2.10's CPU backward for convolutions with few output channels (3, 4 and 8: the VAE's and UNet's
/// <c>conv_out</c>) returns wrong input gradients on some x86 machines, which would silently ruin training. While
/// gradients are recorded, this guard replaces the output of every such convolution with the same maths written as
/// unfold + matmul, whose backward is correct (BuiltInConvolutionTests checks both against float64). Inference is
/// untouched: the forward convolution itself is right.
/// </summary>
public sealed class ConvolutionGradientGuard : IDisposable
{
    /// <summary>Convolutions with fewer output channels than this are rewritten.</summary>
    public const long OutputChannelLimit = 16;

    private readonly List<Action> _removers = new();

    private ConvolutionGradientGuard(nn.Module model)
    {
        foreach (var (_, module) in model.named_modules().Prepend(("", model)))
        {
            if (module is not Conv2d conv || conv.weight is null || conv.weight.shape[0] >= OutputChannelLimit) continue;
            var hook = conv.register_forward_hook((_, input, output) => is_grad_enabled() ? Unfolded(conv, input) : output);
            _removers.Add(hook.remove);
        }
    }

    /// <summary>Installs the guard on every small-output convolution under <paramref name="model"/>.</summary>
    public static ConvolutionGradientGuard Install(nn.Module model) => new(model);

    /// <summary>How many convolutions are guarded.</summary>
    public int Count => _removers.Count;

    /// <summary>The convolution as unfold + matmul (groups and dilation 1, as in every SD layer).</summary>
    public static Tensor Unfolded(Conv2d conv, Tensor input)
    {
        var weight = conv.weight!;
        long outChannels = weight.shape[0], kernelH = weight.shape[2], kernelW = weight.shape[3];
        long strideH = conv.stride![0], strideW = conv.stride.Length > 1 ? conv.stride[1] : strideH;
        long padH = conv.padding![0], padW = conv.padding.Length > 1 ? conv.padding[1] : padH;
        long batch = input.shape[0];
        long outH = (input.shape[2] + 2 * padH - kernelH) / strideH + 1;
        long outW = (input.shape[3] + 2 * padW - kernelW) / strideW + 1;
        using var columns = nn.functional.unfold(input, (kernelH, kernelW), padding: (padH, padW), stride: (strideH, strideW));
        using var flat = weight.reshape(outChannels, -1).matmul(columns);
        var output = flat.reshape(batch, outChannels, outH, outW);
        if (conv.bias is { } bias)
        {
            using var b = bias.reshape(1, outChannels, 1, 1);
            output.add_(b, Scalars.One);
        }
        return output;
    }

    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
    }
}
