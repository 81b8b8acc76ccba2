namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// FLOPs of one forward split by kind of work (see the category constants), as <see cref="FlopFormula"/> derives them.
/// </summary>
public sealed class FlopBreakdown
{
    /// <summary>3×3 convolutions: resnets, conv_in/conv_out, down- and upsamplers.</summary>
    public const string Conv3x3 = "conv 3×3";

    /// <summary>1×1 convolutions: resnet shortcuts, SD 1.x proj_in/proj_out, the VAE's (post_)quant_conv.</summary>
    public const string Conv1x1 = "conv 1×1";

    /// <summary>q/k/v/out projections of attention (and linear proj_in/proj_out).</summary>
    public const string AttentionProjections = "attention projections";

    /// <summary>The two batched matmuls of attention, QKᵀ and AV: 4·B·Lq·Lk·width.</summary>
    public const string AttentionScores = "attention QKᵀ·V";

    /// <summary>Feed-forward (GEGLU or MLP) linear layers.</summary>
    public const string FeedForward = "feed-forward";

    /// <summary>The time-embedding MLP and every resnet's time projection.</summary>
    public const string TimeEmbedding = "time embedding";

    private readonly Dictionary<string, double> _parts = new(StringComparer.Ordinal);

    /// <summary>FLOPs per category; categories that did not occur are absent.</summary>
    public IReadOnlyDictionary<string, double> Parts => _parts;

    /// <summary>The sum over every category.</summary>
    public double Total => _parts.Values.Sum();

    /// <summary>FLOPs of <paramref name="category"/>, 0 when absent.</summary>
    public double this[string category] => _parts.GetValueOrDefault(category);

    internal void Add(string category, double flops) => _parts[category] = _parts.GetValueOrDefault(category) + flops;
}
