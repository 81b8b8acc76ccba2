using CMLoRA.Engine.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Vae;

/// <summary>
/// diffusers' <c>UNetMidBlock2D</c> as the VAE uses it: <c>resnets.0</c>, a single-head spatial
/// <c>attentions.0</c> (group_norm, to_q/k/v with bias, to_out.0, residual), <c>resnets.1</c>; no time embedding.
/// </summary>
public sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Attention> attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    public UNetMidBlock2D(long channels, long groups, bool addAttention, LayerFactory layers) : base(nameof(UNetMidBlock2D))
    {
        const double eps = 1e-6;
        resnets = new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, channels, null, groups, eps, 1.0, layers),
            new ResnetBlock2D(channels, channels, null, groups, eps, 1.0, layers));
        attentions = new ModuleList<Attention>();
        // The VAE's attention head is as wide as the block (attention_head_dim = channels), so one head.
        if (addAttention)
            attentions.Add(new Attention(channels, null, 1, channels, qkvBias: true, layers, groupNormGroups: groups,
                groupNormEps: eps));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor h = resnets[0].call(input, null);
        if (attentions.Count > 0)
            using (var resnetOut = h) h = attentions[0].call(resnetOut, null);
        using (var attended = h) return resnets[1].call(attended, null);
    }
}
