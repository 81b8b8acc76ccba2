using CMLoRA.Engine.Models;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models;

public sealed class ModuleWeightsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class Pair : nn.Module
    {
        private readonly Linear first = nn.Linear(3, 2);
        private readonly Linear second = nn.Linear(2, 2, hasBias: false);

        public Pair() : base(nameof(Pair)) => RegisterComponents();

        public Tensor First => first.weight!;
        public Tensor Second => second.weight!;
    }

    private string Write(Dictionary<string, Tensor> tensors)
    {
        string path = _temp.File("weights.safetensors");
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>());
        return path;
    }

    [Fact]
    public void Float16TensorsStreamIntoFloat32Parameters()
    {
        using var w1 = randn(2, 3).to_type(ScalarType.Float16);
        using var b1 = randn(2).to_type(ScalarType.Float16);
        using var w2 = randn(2, 2).to_type(ScalarType.Float16);
        string path = Write(new() { ["first.weight"] = w1, ["first.bias"] = b1, ["second.weight"] = w2 });
        using var model = new Pair();
        using var file = SafetensorsFile.Open(path);

        var report = ModuleWeights.LoadFrom(model, file);

        Assert.True(report.IsComplete);
        Assert.Equal(3, report.Loaded.Count);
        Assert.Equal(ScalarType.Float32, model.First.dtype);
        using var expected = w1.to_type(ScalarType.Float32);
        Assert.True(model.First.allclose(expected, rtol: 0, atol: 0));
    }

    [Fact]
    public void StrictModeListsMissingAndUnexpectedKeys()
    {
        using var w1 = randn(2, 3);
        using var extra = randn(4);
        string path = Write(new() { ["first.weight"] = w1, ["third.bias"] = extra });
        using var model = new Pair();
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<WeightLoadException>(() => ModuleWeights.LoadFrom(model, file));

        Assert.Equal("weights.safetensors does not match Pair: 2 missing and 1 unexpected keys\n" +
            "missing: first.bias, second.weight\nunexpected: third.bias", error.Message);
    }

    [Fact]
    public void LenientModeLoadsWhatMatchesAndReportsTheRest()
    {
        using var w2 = randn(2, 2);
        using var other = randn(5);
        string path = Write(new() { ["model.second.weight"] = w2, ["cond.other"] = other });
        using var model = new Pair();
        using var file = SafetensorsFile.Open(path);

        var report = ModuleWeights.LoadFrom(model, file,
            key => key.StartsWith("model.", StringComparison.Ordinal) ? key["model.".Length..] : null, strict: false);

        Assert.Equal(new[] { "second.weight" }, report.Loaded);
        Assert.Equal(new[] { "first.weight", "first.bias" }, report.Missing.Order().Reverse());
        Assert.Empty(report.Unexpected);
        Assert.True(model.Second.allclose(w2, rtol: 0, atol: 0));
    }

    [Fact]
    public void ShapeMismatchIsAnErrorNamingBothKeys()
    {
        using var wrong = randn(3, 2);
        string path = Write(new() { ["first.weight"] = wrong });
        using var model = new Pair();
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<WeightLoadException>(() => ModuleWeights.LoadFrom(model, file, strict: false));

        Assert.Equal("weights.safetensors: 'first.weight' has shape [3,2] but module key 'first.weight' is [2,3]", error.Message);
    }
}
