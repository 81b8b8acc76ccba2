using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>Errors of a computed tensor against a reference, in float64 so the comparison adds no round-off of its own.</summary>
internal static class TensorComparison
{
    /// <summary>(max abs, relative) errors, or null when the shapes differ. A zero reference gives relative 0 or +∞.</summary>
    public static (double MaxAbs, double Relative)? Compare(Tensor ours, Tensor reference)
    {
        if (!ours.shape.SequenceEqual(reference.shape)) return null;
        if (reference.NumberOfElements == 0) return (0, 0);
        using var scope = NewDisposeScope();
        var a = ours.to_type(ScalarType.Float64);
        var b = reference.to_type(ScalarType.Float64);
        var diff = a - b;
        double maxAbs = diff.abs().max().item<double>();
        double diffNorm = diff.norm().item<double>();
        double refNorm = b.norm().item<double>();
        double relative = refNorm > 0 ? diffNorm / refNorm : diffNorm == 0 ? 0 : double.PositiveInfinity;
        return (maxAbs, relative);
    }

    /// <summary>A row for <paramref name="ours"/> against <paramref name="reference"/> under <paramref name="tolerance"/>.</summary>
    public static ConformanceRow Row(string file, string name, string layout, Tensor ours, Tensor reference,
        ConformanceTolerance tolerance, double? fp64Gap = null)
    {
        if (Compare(ours, reference) is not { } errors)
            return new ConformanceRow(file, name, layout, ConformanceStatus.Fail, null, null, tolerance, fp64Gap,
                $"shape [{string.Join(",", ours.shape)}] differs from the reference [{string.Join(",", reference.shape)}]");
        var status = tolerance.Accepts(errors.MaxAbs, errors.Relative) ? ConformanceStatus.Pass : ConformanceStatus.Fail;
        return new ConformanceRow(file, name, layout, status, errors.MaxAbs, errors.Relative, tolerance, fp64Gap);
    }

    /// <summary>A row for a tensor that could not be computed.</summary>
    public static ConformanceRow NotComputed(string file, string name, string layout, string reason) =>
        new(file, name, layout, ConformanceStatus.NotComputed, null, null, ConformanceTolerance.For(file, name), null, reason);
}
