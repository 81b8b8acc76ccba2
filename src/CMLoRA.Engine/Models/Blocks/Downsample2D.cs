using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>Downsample2D</c> with a stride-2 3×3 <c>conv</c>. With padding 0 (the VAE encoder) the input is
/// first padded asymmetrically by one pixel on the right and bottom, as the original LDM code does.
/// </summary>
public sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly bool _asymmetricPad;

    public Downsample2D(long channels, long padding, LayerFactory layers) : base(nameof(Downsample2D))
    {
        conv = layers.Conv2d(channels, channels, 3, stride: 2, padding: padding);
        _asymmetricPad = padding == 0;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (!_asymmetricPad) return conv.call(input);
        using var padded = nn.functional.pad(input, (0L, 1L, 0L, 1L));
        return conv.call(padded);
    }
}
