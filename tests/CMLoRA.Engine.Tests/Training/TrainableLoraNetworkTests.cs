using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Training;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Training;

public class TrainableLoraNetworkTests
{
    [Fact]
    public void OnSd15ItPlacesExactlyKohyasModulesWithKohyasShapes()
    {
        using var unet = new UNet2DConditionModel(UNetConfig.StableDiffusion15, LayerFactory.Meta);
        using var text = new CLIPTextModel(ClipTextConfig.StableDiffusion15, device("meta"));
        using var network = new TrainableLoraNetwork(unet, text, rank: 4, alpha: 1f);

        var expected = File.ReadLines(Path.Combine(RepoPaths.Sd15Manifests, "kohya_lora_rank4.tsv"))
            .Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1]);
        var actual = network.state_dict().ToDictionary(p => p.Key, p => string.Join(",", p.Value.shape));
        Assert.Equal(792, expected.Count);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, shape) in expected) Assert.Equal(shape, actual[key]);
        Assert.Equal(264, network.Layers.Count);
    }

    [Fact]
    public void StartsAsTheBaseModelAndAddsUpDownTimesAlphaOverRank()
    {
        var linear = nn.Linear(6, 5);
        using var network = new TrainableLoraNetwork(new Wrapper(linear), null, rank: 2, alpha: 1f);
        var layer = Assert.Single(network.Layers);
        Assert.Equal("lora_unet_block_attentions_0_proj_in", layer.Name);
        var x = randn(3, 6);
        using (no_grad())
        {
            var plain = nn.functional.linear(x, linear.weight!, linear.bias);
            Assert.True(linear.call(x).allclose(plain));
            layer.UpWeight.copy_(randn(5, 2));
            var expected = plain + nn.functional.linear(nn.functional.linear(x, layer.DownWeight), layer.UpWeight) * 0.5;
            Assert.True(linear.call(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
            layer.Detach();
            Assert.True(linear.call(x).allclose(plain));
        }
    }

    private sealed class Wrapper : nn.Module
    {
        private readonly nn.Module block;

        public Wrapper(nn.Module<Tensor, Tensor> proj) : base("wrapper")
        {
            block = new Inner(proj);
            RegisterComponents();
        }

        private sealed class Inner : nn.Module
        {
            private readonly nn.Module attentions;

            public Inner(nn.Module<Tensor, Tensor> proj) : base("inner")
            {
                attentions = new TorchSharp.Modules.ModuleList<nn.Module>(new Leaf(proj));
                RegisterComponents();
            }
        }

        private sealed class Leaf : nn.Module
        {
            private readonly nn.Module<Tensor, Tensor> proj_in;

            public Leaf(nn.Module<Tensor, Tensor> proj) : base("leaf")
            {
                proj_in = proj;
                RegisterComponents();
            }
        }
    }
}
