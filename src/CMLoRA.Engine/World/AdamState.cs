using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.World;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", Algorithm 2),
/// kept by hand so that its moments can be written to and read from a safetensors checkpoint.
/// </summary>
internal sealed class AdamState : IDisposable
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
    private readonly (string Name, Parameter Parameter, Tensor M, Tensor V)[] _slots;

    public AdamState(IEnumerable<(string Name, Parameter Parameter)> parameters)
    {
        _slots = parameters.Select(p => (p.Name, p.Parameter, zeros_like(p.Parameter).DetachFromDisposeScope(), zeros_like(p.Parameter).DetachFromDisposeScope())).ToArray();
    }

    /// <summary>Updates taken so far (the bias-correction time step).</summary>
    public long Updates { get; set; }

    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>Applies one update from the parameters' gradients at learning rate <paramref name="lr"/>.</summary>
    public void Step(float lr)
    {
        Updates++;
        float correction1 = 1f - MathF.Pow(Beta1, Updates), correction2 = 1f - MathF.Pow(Beta2, Updates);
        using var guard = no_grad();
        // Scalars that outlive the native calls (implicit ones can be finalized mid-call; see Tensors.Scalars).
        using Scalar beta1 = Beta1.ToScalar(), gain1 = (1 - Beta1).ToScalar(), beta2 = Beta2.ToScalar(), gain2 = (1 - Beta2).ToScalar();
        using Scalar epsilon = Epsilon.ToScalar(), decay = (1 - lr * WeightDecay).ToScalar(), stepSize = (-lr / correction1).ToScalar();
        foreach (var (_, p, m, v) in _slots)
        {
            if (p.grad is not { } g) continue;
            m.mul_(beta1).add_(g, alpha: gain1);
            v.mul_(beta2).addcmul_(g, g, value: gain2);
            using var denominator = v.DividedBy(correction2).sqrt_().add_(epsilon, Scalars.One);
            if (p.dim() > 1) p.mul_(decay); // no decay on biases and norm gains
            p.addcdiv_(m, denominator, value: stepSize);
        }
    }

    /// <summary>The moments as named tensors for a checkpoint ("adam.m.NAME", "adam.v.NAME").</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Tensors() =>
        _slots.SelectMany(s => new[]
        {
            new KeyValuePair<string, Tensor>("adam.m." + s.Name, s.M),
            new KeyValuePair<string, Tensor>("adam.v." + s.Name, s.V),
        });

    /// <summary>Copies the moments back from a checkpoint written with <see cref="Tensors"/>.</summary>
    public void Restore(Func<string, Tensor, bool> readInto)
    {
        foreach (var (name, _, m, v) in _slots)
            if (!readInto("adam.m." + name, m) || !readInto("adam.v." + name, v))
                throw new InvalidDataException($"The checkpoint has no Adam moments for '{name}'.");
    }

    public void Dispose()
    {
        foreach (var (_, _, m, v) in _slots)
        {
            m.Dispose();
            v.Dispose();
        }
    }
}
