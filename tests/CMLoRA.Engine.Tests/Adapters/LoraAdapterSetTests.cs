using CMLoRA.Engine.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Adapters;

public class LoraAdapterSetTests
{
    /// <summary>A small tree with the layer kinds SD LoRAs target: 1×1 conv, strided 3×3 conv, linear.</summary>
    private sealed class TinyNet : nn.Module<Tensor, Tensor>
    {
        public readonly Conv2d proj_in;
        public readonly Conv2d conv;
        public readonly Linear to_out;

        public TinyNet() : base(nameof(TinyNet))
        {
            proj_in = nn.Conv2d(4, 6, 1);
            conv = nn.Conv2d(6, 6, 3, stride: 2, padding: 1);
            to_out = nn.Linear(6, 5);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var a = proj_in.call(x);
            using var b = conv.call(a);
            using var c = b.mean([2L, 3L]);
            return to_out.call(c);
        }
    }

    private static (TinyNet Net, LoraAdapterSet Set) Build(int loras, bool withMid = false)
    {
        var net = new TinyNet();
        var set = new LoraAdapterSet(net);
        for (int i = 0; i < loras; i++)
        {
            var layers = new Dictionary<string, AdapterFactors>
            {
                ["proj_in"] = AdapterFactors.LowRank(randn(2, 4, 1, 1), randn(6, 2, 1, 1), 0.5f),
                ["conv"] = withMid
                    ? AdapterFactors.LowRank(randn(2, 6, 1, 1), randn(6, 2, 1, 1), 0.25f, mid: randn(2, 2, 3, 3))
                    : AdapterFactors.LowRank(randn(2, 6, 3, 3), randn(6, 2, 1, 1), 0.25f),
                ["to_out"] = AdapterFactors.LowRank(randn(3, 6), randn(5, 3), 2f / 3f),
            };
            set.AddLora($"lora{i}", layers);
        }
        return (net, set);
    }

    private static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RuntimeAdaptersEqualMergedWeights(bool withMid)
    {
        var (net, set) = Build(2, withMid);
        using var _ = set;
        using var guard = no_grad();
        using var x = randn(3, 4, 8, 8);
        var mix = new[] { new ActiveAdapter(0, 0.8f), new ActiveAdapter(1, -0.3f) };

        set.Active = AdapterMix.All(mix);
        using var runtime = net.call(x);
        set.Active = AdapterMix.None;
        set.Merge(mix);
        using var merged = net.call(x);
        set.Restore();

        Assert.True(MaxAbs(runtime, merged) < 1e-4, $"max abs diff {MaxAbs(runtime, merged)}");
        Assert.True(MaxAbs(runtime, net.call(x)) > 1e-3, "adapters must change the output");
    }

    [Fact]
    public void MergeThenRestoreLeavesWeightsBitIdentical()
    {
        var (net, set) = Build(3);
        using var _ = set;
        var before = net.parameters().Select(p => p.detach().clone()).ToList();
        set.Merge([new ActiveAdapter(0, 0.7f), new ActiveAdapter(1, 1.3f), new ActiveAdapter(2, 0.1f)]);
        Assert.Contains(net.parameters().Zip(before), pair => !pair.First.equal(pair.Second).all().item<bool>());
        set.Restore();
        foreach (var (after, original) in net.parameters().Zip(before))
            Assert.Equal(original.bytes.ToArray(), after.bytes.ToArray());
    }

    [Fact]
    public void BatchedSlicesEqualSequentialForwards()
    {
        var (net, set) = Build(3);
        using var _ = set;
        using var guard = no_grad();
        using var x = randn(2, 4, 8, 8);
        var loras = new[] { new ActiveAdapter(0, 1f), new ActiveAdapter(1, 0.6f), new ActiveAdapter(2, 1.2f) };

        var sequential = new List<Tensor>();
        foreach (var lora in loras)
        {
            set.Active = AdapterMix.All(lora);
            sequential.Add(net.call(x));
        }
        set.Active = AdapterMix.OnePerSlice(loras);
        using var batched = net.call(cat([x, x, x], 0));
        using var expected = cat(sequential, 0);
        Assert.True(MaxAbs(batched, expected) < 1e-5, $"max abs diff {MaxAbs(batched, expected)}");
    }

    [Fact]
    public void NoActiveAdapterGivesTheBaseOutputExactly()
    {
        using var x = randn(1, 4, 8, 8);
        var (net, set) = Build(1);
        using var withInactiveAdapters = net.call(x);
        set.Dispose(); // removes the hooks
        using var plain = net.call(x);
        Assert.True(withInactiveAdapters.equal(plain).all().item<bool>());
    }

    [Fact]
    public void UnknownLayerIsReportedByPath()
    {
        var (_, set) = Build(0);
        using var __ = set;
        var error = Assert.Throws<ArgumentException>(() => set.AddLora("bad", new Dictionary<string, AdapterFactors>
        {
            ["down_blocks.0.attn1.to_q"] = AdapterFactors.LowRank(randn(2, 6), randn(6, 2), 1f),
        }));
        Assert.Equal("LoRA 'bad' targets layers the model does not have: down_blocks.0.attn1.to_q", error.Message);
    }

    [Fact]
    public void BatchThatCannotBeSlicedIsRefused()
    {
        var (net, set) = Build(2);
        using var _ = set;
        set.Active = AdapterMix.OnePerSlice([new ActiveAdapter(0, 1f), new ActiveAdapter(1, 1f)]);
        var error = Assert.Throws<InvalidOperationException>(() => net.call(randn(3, 4, 8, 8)));
        Assert.Equal("batch 3 cannot be split into 2 adapter slices", error.Message);
    }
}
