using CMLoRA.Engine.Adapters;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Adapters;

/// <summary>
/// Inference accumulates adapters into the base output in place (no full-size temporaries); with gradients on, the
/// hook adds a separate Δy. Both must give y = W x + Σ weight · (alpha/r) · B(A(x)), per batch slice. Tolerance 1e-5.
/// </summary>
public class InPlaceAdapterTests
{
    private sealed class TwoLayers : nn.Module<Tensor, Tensor>
    {
        public readonly Linear proj;
        public readonly Conv2d conv;

        public TwoLayers() : base(nameof(TwoLayers))
        {
            proj = nn.Linear(8, 6);
            conv = nn.Conv2d(6, 6, 3, padding: 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var projected = proj.call(x);                                    // [B, 16, 6]
            using var image = projected.transpose(1, 2).reshape(x.shape[0], 6, 4, 4);
            return conv.call(image);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void InPlaceInferenceEqualsTheGradientPath(int slices)
    {
        using var generator = new TorchSharp.torch.Generator(21);
        using var model = new TwoLayers();
        using var set = new LoraAdapterSet(model);
        for (int lora = 0; lora < 2; lora++)
        {
            set.AddLora($"l{lora}", new Dictionary<string, AdapterFactors>
            {
                ["proj"] = AdapterFactors.LowRank(randn([2, 8], generator: generator), randn([6, 2], generator: generator), 0.5f),
                ["conv"] = lora == 0
                    ? AdapterFactors.LowRank(randn([2, 6, 3, 3], generator: generator), randn([6, 2, 1, 1], generator: generator), 0.25f)
                    : AdapterFactors.Dense(randn([6, 6, 3, 3], generator: generator), 0.1f),
            });
        }
        set.Active = slices == 1
            ? AdapterMix.All(new ActiveAdapter(0, 0.8f), new ActiveAdapter(1, 1.3f))
            : AdapterMix.OnePerSlice([new ActiveAdapter(0, 0.8f), new ActiveAdapter(1, 1.3f)]);
        using var x = randn([2 * slices, 16, 8], generator: generator);

        using var withGradients = model.call(x).detach();
        Tensor inPlace;
        using (no_grad()) inPlace = model.call(x);
        using (inPlace)
        {
            float worst = (inPlace - withGradients).abs().max().item<float>();
            Assert.True(worst < 1e-5f * Math.Max(1f, withGradients.abs().max().item<float>()), $"in-place path differs by {worst}");
        }

        set.Active = AdapterMix.None;
        using var plain = model.call(x).detach();
        Assert.True((plain - withGradients).abs().max().item<float>() > 1e-2f, "the adapters changed nothing");
    }
}
