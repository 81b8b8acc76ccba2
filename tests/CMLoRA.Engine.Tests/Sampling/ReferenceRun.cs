using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Sampling;

/// <summary>One reference sampling run of tests/fixtures/reference/tiny_sdlike (tensors + effective scheduler config).</summary>
public sealed class ReferenceRun : IDisposable
{
    /// <summary>Every run in the fixture.</summary>
    public static readonly string[] Names =
    [
        "dpmpp2m_linspace", "dpmpp2m_leading", "dpmpp2m_trailing", "dpmpp2m_karras",
        "ddim_leading", "euler_linspace", "euler_leading", "dpmpp2m_linspace_lora",
    ];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names) data.Add(name);
        return data;
    }

    private readonly SafetensorsFile _file;

    public ReferenceRun(string name)
    {
        Name = name;
        string stem = Path.Combine(RepoPaths.TinyReference, "sampling_" + name);
        Config = SchedulerConfig.Load(stem + ".json");
        _file = SafetensorsFile.Open(stem + ".safetensors");
    }

    public string Name { get; }
    public SchedulerConfig Config { get; }
    public int Steps => (int)_file["timesteps"].Shape[0];

    public SamplerKind Kind => SamplerFactory.KindOfClass(Config.ClassName!);

    public ISampler CreateSampler() => SamplerFactory.Create(Kind, Config);

    public bool Has(string name) => _file.Contains(name);

    public Tensor Read(string name) => _file.ReadTensor(name);

    public double[] ReadDoubles(string name)
    {
        using var t = _file.ReadTensor(name, ScalarType.Float64);
        return t.data<double>().ToArray();
    }

    public float[] ReadFloats(string name)
    {
        using var t = _file.ReadTensor(name, ScalarType.Float32);
        return t.data<float>().ToArray();
    }

    public Tensor Step(int k, string what) => Read($"step{k:00}_{what}");

    public void Dispose() => _file.Dispose();

    /// <summary>‖a − b‖ / ‖b‖ in float64.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var a = actual.to_type(ScalarType.Float64);
        using var b = expected.to_type(ScalarType.Float64);
        using var diff = a - b;
        return diff.norm().item<double>() / b.norm().item<double>();
    }

    /// <summary>max |a − b| in float64.</summary>
    public static double MaxAbsError(Tensor actual, Tensor expected)
    {
        using var a = actual.to_type(ScalarType.Float64);
        using var b = expected.to_type(ScalarType.Float64);
        using var diff = (a - b).abs();
        return diff.max().item<double>();
    }
}
