using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>
/// diffusers' VAE <c>Decoder</c>: <c>conv_in</c> from the latent channels, <c>mid_block</c>, <c>up_blocks</c>
/// (layers_per_block + 1 resnets each), <c>conv_norm_out</c>, SiLU, <c>conv_out</c> to image channels.
/// </summary>
public sealed class VaeDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public VaeDecoder(VaeConfig config, LayerFactory layers) : base(nameof(VaeDecoder))
    {
        var channels = config.BlockOutChannels;
        int n = channels.Count;
        long groups = config.NormNumGroups;
        conv_in = layers.Conv2d(config.LatentChannels, channels[n - 1], 3, padding: 1);
        mid_block = new UNetMidBlock2D(channels[n - 1], groups, config.MidBlockAddAttention, layers);
        up_blocks = new ModuleList<UpDecoderBlock2D>();
        long output = channels[n - 1];
        for (int i = 0; i < n; i++)
        {
            long input = output;
            output = channels[n - 1 - i];
            up_blocks.Add(new UpDecoderBlock2D(input, output, config.LayersPerBlock + 1, i < n - 1, groups, layers));
        }
        conv_norm_out = layers.GroupNorm(groups, channels[0], 1e-6);
        conv_out = layers.Conv2d(channels[0], config.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor latents)
    {
        Tensor h = conv_in.call(latents);
        using (var previous = h) h = mid_block.call(previous);
        foreach (var block in up_blocks)
            using (var previous = h) h = block.call(previous);
        using var normed = conv_norm_out.call(h);
        h.Dispose();
        normed.silu_();
        return conv_out.call(normed);
    }
}
