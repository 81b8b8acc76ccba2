using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, 2019) with exactly torch.optim.AdamW's update: p ← p·(1 − lr·wd);
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// </summary>
/// <remarks>
/// Why not TorchSharp's <c>torch.optim.AdamW</c>: its managed step passes temporary <see cref="Scalar"/>s (implicit
/// conversions from double) to native calls without keeping them alive, so a garbage collection on another thread can
/// finalize a Scalar while libtorch still reads it. Under GC pressure that corrupted the moments and turned weights
/// into NaN within a few steps (reproduced with TorchSharp 0.107 and every managed optimizer). Here every Scalar is
/// created once per step and disposed only after the last parameter is updated.
/// </remarks>
public sealed class AdamWOptimizer : IDisposable
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly List<AdamWState> _states;

    public AdamWOptimizer(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.01)
    {
        _parameters = parameters;
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        using var noGrad = no_grad();
        _states = parameters.Select(p => new AdamWState(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope())).ToList();
    }

    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }

    /// <summary>Per-parameter moments and step counts, in parameter order (restore them in place to resume).</summary>
    public IReadOnlyList<AdamWState> States => _states;

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        using var noGrad = no_grad();
        foreach (var parameter in _parameters)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>The global L2 norm of all gradients (NaN or infinity when any gradient is not finite).</summary>
    public double GradientNorm()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double sum = 0;
        foreach (var parameter in _parameters)
            if (parameter.grad is { } grad) sum += grad.to_type(ScalarType.Float64).Squared().sum().item<double>();
        return Math.Sqrt(sum);
    }

    /// <summary>Multiplies every gradient by <paramref name="factor"/> (clipping passes max_norm / (norm + 1e-6) as torch does).</summary>
    public void ScaleGradients(double factor)
    {
        if (factor == 1.0) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar scalar = factor.ToScalar();
        foreach (var parameter in _parameters)
            if (parameter.grad is { } grad) grad.mul_(scalar);
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar decay = (1 - LearningRate * WeightDecay).ToScalar();
        using Scalar beta1 = Beta1.ToScalar(), gain1 = (1 - Beta1).ToScalar();
        using Scalar beta2 = Beta2.ToScalar(), gain2 = (1 - Beta2).ToScalar();
        using Scalar epsilon = Epsilon.ToScalar();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            using var grad = parameter.grad;
            if (grad is null) continue;
            var state = _states[i];
            state.Step++;
            double correction1 = 1 - Math.Pow(Beta1, state.Step);
            double correction2 = 1 - Math.Pow(Beta2, state.Step);
            using Scalar rootCorrection2 = Math.Sqrt(correction2).ToScalar();
            using Scalar stepSize = (-LearningRate / correction1).ToScalar();

            parameter.mul_(decay);
            state.ExpAvg.mul_(beta1).add_(grad, alpha: gain1);
            state.ExpAvgSq.mul_(beta2).addcmul_(grad, grad, value: gain2);
            using var denominator = state.ExpAvgSq.sqrt().div_(rootCorrection2).add_(epsilon, Scalars.One);
            parameter.addcdiv_(state.ExpAvg, denominator, value: stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var state in _states)
        {
            state.ExpAvg.Dispose();
            state.ExpAvgSq.Dispose();
        }
    }
}
