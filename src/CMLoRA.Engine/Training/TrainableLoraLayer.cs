using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// A trainable LoRA on one Linear or 1×1 Conv2d layer, kohya's layout: <c>lora_down</c> (rank × in, Kaiming-uniform)
/// and <c>lora_up</c> (out × rank, zeros, so training starts from the base model) without biases, and the
/// <c>alpha</c> buffer; the update is up(down(x)) · alpha / rank. A forward hook on the target adds it to the
/// target's output, so the base weights stay frozen and untouched.
/// </summary>
public sealed class TrainableLoraLayer : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> lora_down;
    private readonly nn.Module<Tensor, Tensor> lora_up;
    private readonly Tensor alpha;
    private readonly Scalar _scale;
    private nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover? _hook;

    /// <param name="name">The kohya module name (<c>lora_unet_…</c>, <c>lora_te_…</c>).</param>
    /// <param name="target">The frozen Linear or 1×1 Conv2d it adapts.</param>
    /// <param name="rank">The rank r.</param>
    /// <param name="alphaValue">kohya's alpha; the update is scaled by alpha / r.</param>
    /// <param name="generator">Draws the initial <c>lora_down</c> (uniform in ±1/√in, PyTorch's default); null uses libtorch's global generator.</param>
    public TrainableLoraLayer(string name, nn.Module<Tensor, Tensor> target, int rank, float alphaValue, torch.Generator? generator = null) : base(name)
    {
        Name = name;
        switch (target)
        {
            case Linear linear:
                lora_down = nn.Linear(linear.in_features, rank, hasBias: false);
                lora_up = nn.Linear(rank, linear.out_features, hasBias: false);
                break;
            case Conv2d conv when conv.kernel_size.All(k => k == 1) && conv.stride.All(s => s == 1):
                lora_down = nn.Conv2d(conv.in_channels, rank, 1, bias: false);
                lora_up = nn.Conv2d(rank, conv.out_channels, 1, bias: false);
                break;
            default:
                throw new NotSupportedException($"'{name}' is a {target.GetType().Name}; LoRA layers adapt Linear and 1×1 Conv2d layers");
        }
        using (no_grad())
        {
            long fanIn = DownWeight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            DownWeight.uniform_(-1.0 / Math.Sqrt(fanIn), 1.0 / Math.Sqrt(fanIn), generator);
            UpWeight.zero_();
        }
        alpha = tensor(alphaValue);
        // Kept as a field: a temporary Scalar could be finalized while libtorch reads it (see AdamWOptimizer).
        _scale = ((double)alphaValue / rank).ToScalar();
        Rank = rank;
        RegisterComponents();
        // Assigned after registration so the adapted layer is not registered as a child (its weights are not the LoRA's).
        Target = target;
    }

    /// <summary>The kohya module name.</summary>
    public string Name { get; }

    /// <summary>The adapted layer.</summary>
    public nn.Module<Tensor, Tensor> Target { get; }

    public int Rank { get; }

    /// <summary>The <c>lora_down</c> weight.</summary>
    public Parameter DownWeight => lora_down is Linear l ? l.weight! : ((Conv2d)lora_down).weight!;

    /// <summary>The <c>lora_up</c> weight.</summary>
    public Parameter UpWeight => lora_up is Linear l ? l.weight! : ((Conv2d)lora_up).weight!;

    /// <summary>The update up(down(x)) · alpha / r.</summary>
    public override Tensor forward(Tensor input)
    {
        using var down = lora_down.call(input);
        using var up = lora_up.call(down);
        return up.mul(_scale);
    }

    /// <summary>Starts adding the update to the target's output.</summary>
    public void Attach()
    {
        if (_hook is not null) return;
        _hook = Target.register_forward_hook((_, input, output) =>
        {
            using var update = call(input);
            return output.add(update, Scalars.One);
        });
    }

    /// <summary>Stops adding the update.</summary>
    public void Detach()
    {
        _hook?.remove();
        _hook = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Detach();
            _scale.Dispose();
        }
        base.Dispose(disposing);
    }
}
