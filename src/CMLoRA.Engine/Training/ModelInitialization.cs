using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Initial weights for training from scratch, drawn from a private generator so a run's start depends only on its
/// seed (not on whatever else used libtorch's global generator): PyTorch's default Linear/Conv2d initialisation
/// (uniform in ±1/√fan_in for weights and biases, i.e. Kaiming-uniform with a = √5), norm scales 1 and shifts 0,
/// embeddings N(0, 0.02²) as CLIP. Norms must be set anyway: TorchSharp 0.107 builds GroupNorm and LayerNorm with
/// device/dtype arguments without resetting their affine parameters.
/// </summary>
public static class ModelInitialization
{
    /// <summary>Initialises every parameter of <paramref name="model"/>; throws when a layer type is not covered.</summary>
    public static void Apply(nn.Module model, torch.Generator generator)
    {
        using var noGrad = no_grad();
        using Scalar one = 1.0.ToScalar();
        var done = new HashSet<IntPtr>();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    Uniform(linear.weight!, linear.bias, linear.in_features, generator);
                    break;
                case Conv2d conv:
                    Uniform(conv.weight!, conv.bias, conv.weight!.shape[1] * conv.weight!.shape[2] * conv.weight!.shape[3], generator);
                    break;
                case GroupNorm norm:
                    norm.weight?.fill_(one);
                    norm.bias?.zero_();
                    break;
                case LayerNorm norm:
                    norm.weight?.fill_(one);
                    norm.bias?.zero_();
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0.0, 0.02, generator);
                    break;
                default:
                    continue;
            }
            foreach (var parameter in module.parameters(recurse: false)) done.Add(parameter.Handle);
        }
        var missed = model.named_parameters().Where(p => !done.Contains(p.parameter.Handle)).Select(p => p.name).ToList();
        if (missed.Count > 0) throw new NotSupportedException($"no initialisation for parameters {string.Join(", ", missed.Take(5))}");
    }

    private static void Uniform(Tensor weight, Tensor? bias, long fanIn, torch.Generator generator)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        weight.uniform_(-bound, bound, generator);
        bias?.uniform_(-bound, bound, generator);
    }
}
