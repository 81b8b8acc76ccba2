using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Clip;

/// <summary>Relative error ‖ours − ref‖ / ‖ref‖ and max abs error, as the reference README prescribes.</summary>
internal static class TensorComparison
{
    public static (double Relative, double MaxAbs) Errors(Tensor ours, Tensor reference)
    {
        Assert.Equal(reference.shape, ours.shape);
        using var a = ours.to_type(ScalarType.Float64);
        using var b = reference.to_type(ScalarType.Float64);
        using var diff = a - b;
        double relative = diff.norm().item<double>() / b.norm().item<double>();
        double maxAbs = diff.abs().max().item<double>();
        return (relative, maxAbs);
    }

    /// <summary>Same dtype, shape and bytes.</summary>
    public static bool BitEqual(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var x = a.cpu().contiguous();
        using var y = b.cpu().contiguous();
        return x.bytes.SequenceEqual(y.bytes);
    }
}
