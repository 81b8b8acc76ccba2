using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Clip;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Counts the floating-point operations of a forward pass by observing the layers that dominate diffusion models:
/// Linear and Conv2d (2·MACs from the actual output shapes) and attention's two batched matmuls (QKᵀ and AV,
/// 4·B·Lq·Lk·width; the causal mask of CLIP is not discounted). Norms, activations and additions are left out
/// (well under 1% of SD 1.5's total). Runtime LoRA adapters are not layers and are not counted.
/// </summary>
public sealed class FlopCounter : IDisposable
{
    private readonly List<Action> _removers = [];

    /// <summary>FLOPs counted since construction or the last <see cref="Reset"/>.</summary>
    public double Flops { get; private set; }

    /// <summary>Hooks every Linear, Conv2d, <see cref="Attention"/> and <see cref="CLIPAttention"/> under <paramref name="model"/>.</summary>
    public FlopCounter(nn.Module model)
    {
        // named_modules() leaves out the module itself; a lone layer is counted too.
        foreach (var (_, module) in model.named_modules().Prepend(("", model)))
        {
            switch (module)
            {
                case Linear linear:
                    var lh = linear.register_forward_hook((_, _, output) =>
                    {
                        Flops += LinearFlops(linear, output);
                        return output;
                    });
                    _removers.Add(lh.remove);
                    break;
                case Conv2d conv:
                    var ch = conv.register_forward_hook((_, _, output) =>
                    {
                        Flops += ConvFlops(conv, output);
                        return output;
                    });
                    _removers.Add(ch.remove);
                    break;
                case Attention attention:
                    var ah = attention.register_forward_hook((_, hidden, context, output) =>
                    {
                        Flops += AttentionFlops(hidden, context);
                        return output;
                    });
                    _removers.Add(ah.remove);
                    break;
                case CLIPAttention clip:
                    var th = clip.register_forward_hook((_, hidden, output) =>
                    {
                        Flops += AttentionFlops(hidden, null);
                        return output;
                    });
                    _removers.Add(th.remove);
                    break;
            }
        }
    }

    /// <summary>2 · output elements · in_features.</summary>
    public static double LinearFlops(Linear linear, Tensor output) => 2.0 * output.NumberOfElements * linear.weight!.shape[1];

    /// <summary>2 · output elements · in_channels/groups · kernel area (the weight's dims 1–3).</summary>
    public static double ConvFlops(Conv2d conv, Tensor output)
    {
        var w = conv.weight!.shape;
        return 2.0 * output.NumberOfElements * w[1] * w[2] * w[3];
    }

    /// <summary>
    /// QKᵀ and AV of attention over <paramref name="hidden"/> ([B, N, C] tokens, or [B, C, H, W] for the VAE's spatial
    /// attention) attending to <paramref name="context"/> (null: itself): 4·B·Lq·Lk·C. SD's attention width (heads ×
    /// head size) equals the query width.
    /// </summary>
    public static double AttentionFlops(Tensor hidden, Tensor? context)
    {
        long batch = hidden.shape[0];
        long queries, width;
        if (hidden.dim() == 4)
        {
            width = hidden.shape[1];
            queries = hidden.shape[2] * hidden.shape[3];
        }
        else
        {
            queries = hidden.shape[1];
            width = hidden.shape[^1];
        }
        long keys = context?.shape[1] ?? queries;
        return 4.0 * batch * queries * keys * width;
    }

    /// <summary>Sets the count back to zero.</summary>
    public void Reset() => Flops = 0;

    /// <summary>Removes every hook.</summary>
    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
    }
}
