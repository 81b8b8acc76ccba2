using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>ResnetBlock2D</c> (pre-norm, "default" time-embedding norm): GroupNorm → SiLU → conv1 (+ time
/// projection) → GroupNorm → SiLU → conv2, plus a 1×1 <c>conv_shortcut</c> when the channel count changes.
/// Without a time-embedding width (the VAE) there is no <c>time_emb_proj</c>.
/// </summary>
public sealed class ResnetBlock2D : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear? time_emb_proj;
    private readonly GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv_shortcut;
    private readonly double _outputScale;

    public ResnetBlock2D(long inChannels, long outChannels, long? timeEmbedChannels, long groups, double eps,
        double outputScaleFactor, LayerFactory layers) : base(nameof(ResnetBlock2D))
    {
        norm1 = layers.GroupNorm(groups, inChannels, eps);
        conv1 = layers.Conv2d(inChannels, outChannels, 3, padding: 1);
        if (timeEmbedChannels is { } temb) time_emb_proj = layers.Linear(temb, outChannels);
        norm2 = layers.GroupNorm(groups, outChannels, eps);
        conv2 = layers.Conv2d(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) conv_shortcut = layers.Conv2d(inChannels, outChannels, 1);
        _outputScale = outputScaleFactor;
        RegisterComponents();
    }

    /// <param name="input">[B, C_in, H, W]; not disposed.</param>
    /// <param name="temb">the UNet time embedding [B, T] (before SiLU), or null in the VAE.</param>
    public override Tensor forward(Tensor input, Tensor? temb)
    {
        using var n1 = norm1.call(input);
        n1.silu_();
        using var h1 = conv1.call(n1);
        if (time_emb_proj is not null)
        {
            if (temb is null) throw new ArgumentNullException(nameof(temb), "this block needs a time embedding");
            using var act = nn.functional.silu(temb);
            using var proj = time_emb_proj.call(act);
            using var broadcast = proj.unsqueeze(-1).unsqueeze(-1);
            h1.add_(broadcast, Scalars.One);
        }
        using var n2 = norm2.call(h1);
        n2.silu_();
        using var h2 = conv2.call(n2);
        Tensor sum;
        if (conv_shortcut is not null)
        {
            using var shortcut = conv_shortcut.call(input);
            sum = shortcut.add(h2, Scalars.One);
        }
        else
        {
            sum = input.add(h2, Scalars.One);
        }
        if (_outputScale != 1.0)
        {
            using Scalar outputScale = _outputScale.ToScalar();
            sum.div_(outputScale);
        }
        return sum;
    }
}
