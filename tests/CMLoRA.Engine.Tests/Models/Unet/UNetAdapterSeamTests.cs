using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Unet;

/// <summary>LoRA targets are plain TorchSharp layers reachable by their diffusers dotted path, and their hooks run.</summary>
public class UNetAdapterSeamTests(TinyUnetFixture tiny) : IClassFixture<TinyUnetFixture>
{
    [Fact]
    public void KohyaTargetsAreLinearOrConvModulesByDottedPath()
    {
        var modules = tiny.Unet.named_modules().ToDictionary(m => m.name, m => m.module);
        const string block = "down_blocks.0.attentions.0";
        Assert.IsType<Conv2d>(modules[$"{block}.proj_in"]);
        Assert.IsType<Conv2d>(modules[$"{block}.proj_out"]);
        foreach (var leaf in new[] { "attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0", "attn2.to_q", "attn2.to_k",
                     "attn2.to_v", "attn2.to_out.0", "ff.net.0.proj", "ff.net.2" })
            Assert.IsType<Linear>(modules[$"{block}.transformer_blocks.0.{leaf}"]);
        // One transformer per layer of the cross-attention blocks: 2 down blocks × 2, the mid block, 2 up blocks × 3.
        int transformers = modules.Keys.Count(k => k.EndsWith(".proj_in", StringComparison.Ordinal));
        Assert.Equal(2 * 2 + 1 + 2 * 3, transformers);
    }

    [Fact]
    public void ForwardHookOnAProjectionChangesThePrediction()
    {
        using var guard = no_grad();
        using var latents = tiny.Inputs.ReadTensor("unet_latents");
        using var context = tiny.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var t = tensor(999f);
        var toV = (Linear)tiny.Unet.named_modules()
            .Single(m => m.name == "mid_block.attentions.0.transformer_blocks.0.attn2.to_v").module;
        int calls = 0;
        using var baseline = tiny.Unet.call(latents, t, context);
        var handle = toV.register_forward_hook((module, input, output) =>
        {
            calls++;
            return output.mul(2.0);
        });
        using var hooked = tiny.Unet.call(latents, t, context);
        handle.remove();
        using var restored = tiny.Unet.call(latents, t, context);

        Assert.Equal(1, calls);
        Assert.True(ReferenceComparison.Of(hooked, baseline).RelativeError > 1e-4);
        Assert.Equal(0.0, ReferenceComparison.Of(restored, baseline).MaxAbsError);
    }
}
