using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>Computes every tensor of <c>outputs.safetensors</c> with one loaded layout and compares it.</summary>
internal static class ComponentConformance
{
    /// <summary>
    /// One row per reference tensor, in file order. When <paramref name="writeTo"/> is given, our tensors are written
    /// there under the reference names.
    /// </summary>
    public static List<ConformanceRow> Run(ReferenceModels models, SafetensorsFile inputs, SafetensorsFile outputs,
        SafetensorsFile? outputs64, string? loraPath, float loraWeight, string? writeTo, CancellationToken cancellationToken)
    {
        string file = Path.GetFileName(outputs.Path);
        var rows = new List<ConformanceRow>();
        var ours = new List<KeyValuePair<string, Tensor>>();
        using var evaluator = new ComponentEvaluator(models, inputs, loraPath, loraWeight);
        try
        {
            foreach (string name in outputs.Entries.Select(e => e.Name))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tensor = evaluator.Compute(name, out string? reason);
                if (tensor is null)
                {
                    rows.Add(TensorComparison.NotComputed(file, name, models.Layout, reason ?? "not computed"));
                    continue;
                }
                ours.Add(KeyValuePair.Create(name, tensor));
                using var expected = outputs.ReadTensor(name);
                rows.Add(TensorComparison.Row(file, name, models.Layout, tensor, expected, ConformanceTolerance.For(file, name),
                    Fp64Gap(expected, outputs64, name)));
            }
            if (writeTo is not null)
                SafetensorsWriter.Write(writeTo, ours, new Dictionary<string, string> { ["layout"] = models.Layout });
            return rows;
        }
        finally
        {
            foreach (var (_, tensor) in ours) tensor.Dispose();
        }
    }

    private static double? Fp64Gap(Tensor reference32, SafetensorsFile? outputs64, string name)
    {
        if (outputs64 is null || !outputs64.Contains(name)) return null;
        using var reference64 = outputs64.ReadTensor(name);
        return TensorComparison.Compare(reference32, reference64)?.Relative;
    }
}
