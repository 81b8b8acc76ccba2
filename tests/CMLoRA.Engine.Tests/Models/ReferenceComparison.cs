using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models;

/// <summary>Relative L2 and max-abs error of a computed tensor against a reference, both computed in float64.</summary>
public readonly record struct ReferenceComparison(double RelativeError, double MaxAbsError)
{
    public static ReferenceComparison Of(Tensor ours, Tensor reference)
    {
        Assert.Equal(reference.shape, ours.shape);
        using var a = ours.to_type(ScalarType.Float64);
        using var b = reference.to_type(ScalarType.Float64);
        using var diff = a - b;
        using var diffNorm = diff.norm();
        using var refNorm = b.norm();
        using var absolute = diff.abs();
        using var maxAbs = absolute.max();
        return new ReferenceComparison(diffNorm.item<double>() / refNorm.item<double>(), maxAbs.item<double>());
    }

    public override string ToString() => $"rel {RelativeError:E2}, max abs {MaxAbsError:E2}";
}
