using System.Globalization;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>Helpers that write synthetic LoRA files and read the SD 1.5 manifests.</summary>
internal static class LoraTestFiles
{
    /// <summary>Writes tensors (in order) and optional metadata; the tensors are disposed afterwards.</summary>
    public static string Write(TempDirectory temp, string name, IEnumerable<(string Key, Tensor Value)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        string path = temp.File(name);
        var list = tensors.ToList();
        SafetensorsWriter.Write(path, list.Select(t => KeyValuePair.Create(t.Key, t.Value)), metadata);
        foreach (var (_, tensor) in list) tensor.Dispose();
        return path;
    }

    /// <summary>A 0-dim float tensor, as kohya stores <c>.alpha</c>.</summary>
    public static Tensor Scalar(float value) => tensor(value);

    /// <summary>A seeded random tensor, so failures reproduce.</summary>
    public static Tensor Random(int seed, params long[] shape)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randn(shape, generator: generator);
    }

    /// <summary>Reads a manifest (<c>name TAB shape</c>, shape comma-separated, empty for 0-dim).</summary>
    public static List<(string Name, long[] Shape)> ReadManifest(string fileName) =>
        File.ReadAllLines(Path.Combine(RepoPaths.Sd15Manifests, fileName))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(parts => (parts[0], ParseShape(parts.Length > 1 ? parts[1] : "")))
            .ToList();

    public static long[] ParseShape(string text) =>
        text.Length == 0 ? [] : text.Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The values of a tensor as doubles, row-major.</summary>
    public static double[] Values(Tensor t)
    {
        using var flat = t.to_type(ScalarType.Float64).contiguous().reshape(-1);
        return flat.data<double>().ToArray();
    }

    /// <summary>Largest absolute difference between a tensor and expected row-major values.</summary>
    public static double MaxAbsDifference(Tensor actual, double[] expected)
    {
        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        return values.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
    }
}
