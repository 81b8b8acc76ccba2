using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>diffusers' <c>Upsample2D</c>: nearest-neighbour ×2 (or to an explicit size), then a 3×3 <c>conv</c>.</summary>
public sealed class Upsample2D : nn.Module<Tensor, long[]?, Tensor>
{
    private readonly Conv2d conv;

    public Upsample2D(long channels, LayerFactory layers) : base(nameof(Upsample2D))
    {
        conv = layers.Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    /// <param name="input">[B, C, H, W]; not disposed.</param>
    /// <param name="size">target [H, W] (the next skip's size in the UNet), or null for exactly ×2.</param>
    public override Tensor forward(Tensor input, long[]? size)
    {
        using var upsampled = size is null
            ? nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(input, size: size, mode: InterpolationMode.Nearest);
        return conv.call(upsampled);
    }
}
