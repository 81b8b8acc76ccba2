using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Benchmarks;

public class AdapterKernelBenchmarksTests
{
    [Fact]
    public void CurrentFormMatchesTheEngineAdapterAndTheFusedFormMatchesIt()
    {
        using var scope = NewDisposeScope();
        using var guard = no_grad();
        var generator = new Generator(7);
        var x = randn(64, 24, generator: generator);
        var down = randn(4, 24, generator: generator);
        var up = randn(40, 4, generator: generator);
        using var linear = nn.Linear(24, 40, hasBias: false);
        using var adapters = new LoraAdapterSet(new ModuleWrapper(linear));
        adapters.AddLora("a", [new("layer", AdapterFactors.LowRank(down.clone(), up.clone(), 0.5f))]);
        adapters.Active = AdapterMix.All(new ActiveAdapter(0, 0.8f));

        var engine = linear.call(x);
        var current = AdapterKernelBenchmarks.CurrentAdapter(x, linear.weight!, down, up, 0.5f, 0.8f);
        var fused = AdapterKernelBenchmarks.FusedAdapter(x, linear.weight!, down, up, 0.5f, 0.8f);
        // float32 sums of 24 and 4 products: a few ulps of values around 10.
        Assert.True(engine.allclose(current, rtol: 1e-5, atol: 1e-5));
        Assert.True(fused.allclose(current, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void MeasuresThreeLayersPerRankAtTheFirstBlockShapes()
    {
        var rows = AdapterKernelBenchmarks.Measure(SyntheticModelConfig.Tiny.UNet, 64, [2, 4], runs: 1);
        Assert.Equal(new[] { "q/k/v/out 128×32→32", "GEGLU proj 128×32→256", "ff out 128×128→32" }, rows.Select(r => r.Layer).Distinct());
        Assert.Equal(new[] { 2, 4, 2, 4, 2, 4 }, rows.Select(r => r.Rank));
        Assert.All(rows, r => Assert.True(r.BaseSeconds > 0 && r.CurrentSeconds > 0 && r.FusedSeconds > 0));
    }

    // LoraAdapterSet adapts named submodules; a parent gives the lone layer the path "layer".
    private sealed class ModuleWrapper : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> layer;

        public ModuleWrapper(nn.Module<Tensor, Tensor> inner) : base(nameof(ModuleWrapper))
        {
            layer = inner;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => layer.call(input);
    }
}
