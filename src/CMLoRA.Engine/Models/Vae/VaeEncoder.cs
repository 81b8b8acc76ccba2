using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>
/// diffusers' VAE <c>Encoder</c>: <c>conv_in</c>, <c>down_blocks</c>, <c>mid_block</c>, <c>conv_norm_out</c>, SiLU,
/// <c>conv_out</c> to 2 × latent channels (mean and log-variance).
/// </summary>
public sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public VaeEncoder(VaeConfig config, LayerFactory layers) : base(nameof(VaeEncoder))
    {
        var channels = config.BlockOutChannels;
        int n = channels.Count;
        long groups = config.NormNumGroups;
        conv_in = layers.Conv2d(config.InChannels, channels[0], 3, padding: 1);
        down_blocks = new ModuleList<DownEncoderBlock2D>();
        long output = channels[0];
        for (int i = 0; i < n; i++)
        {
            long input = output;
            output = channels[i];
            down_blocks.Add(new DownEncoderBlock2D(input, output, config.LayersPerBlock, i < n - 1, groups, layers));
        }
        mid_block = new UNetMidBlock2D(channels[n - 1], groups, config.MidBlockAddAttention, layers);
        conv_norm_out = layers.GroupNorm(groups, channels[n - 1], 1e-6);
        conv_out = layers.Conv2d(channels[n - 1], 2 * config.LatentChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        Tensor h = conv_in.call(images);
        foreach (var block in down_blocks)
            using (var previous = h) h = block.call(previous);
        using (var previous = h) h = mid_block.call(previous);
        using var normed = conv_norm_out.call(h);
        h.Dispose();
        normed.silu_();
        return conv_out.call(normed);
    }
}
