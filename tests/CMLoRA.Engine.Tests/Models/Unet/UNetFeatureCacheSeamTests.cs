using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Unet;

/// <summary>
/// The split forward supports DeepCache-style reuse: record the feature entering the last up block, then a
/// shallow pass (conv_in, down block 0 without its downsampler, the last up block) reproduces the full output.
/// </summary>
public class UNetFeatureCacheSeamTests(TinyUnetFixture tiny) : IClassFixture<TinyUnetFixture>
{
    [Fact]
    public void ShallowPathWithRecordedDeepFeatureReproducesFullForward()
    {
        using var guard = no_grad();
        using var scope = NewDisposeScope();
        var unet = tiny.Unet;
        var latents = tiny.Inputs.ReadTensor("unet_latents");
        var context = tiny.Inputs.ReadTensor("unet_encoder_hidden_states");
        var t = tensor(500f);
        var full = unet.call(latents, t, context);

        // Full pass from the pieces, recording the input of the last up block's first resnet.
        int last = unet.UpBlocks.Count - 1;
        Tensor? deep = null;
        var temb = unet.EmbedTime(t, latents.shape[0]);
        var skips = new List<Tensor>();
        var down = unet.DownPath(latents, temb, context, skips);
        var mid = unet.MidBlock(down, temb, context);
        var up = unet.UpPath(mid, skips, temb, context,
            onLayerInput: (block, layer, h) => { if (block == last && layer == 0) deep = h.alias(); });
        var pieces = unet.OutputHead(up);
        Assert.Equal(0.0, (pieces - full).abs().max().item<float>());
        Assert.NotNull(deep);

        // Shallow pass: only down block 0 (its layers, no downsampler) and the last up block.
        var shallowSkips = new List<Tensor>();
        int layers = unet.DownBlocks[0].LayerCount;
        unet.DownPath(latents, temb, context, shallowSkips, lastBlock: 0, lastBlockLayers: layers);
        Assert.Equal(layers + 1, shallowSkips.Count);
        var shallowUp = unet.UpPath(deep, shallowSkips, temb, context, firstBlock: last);
        Assert.Empty(shallowSkips);
        var cached = unet.OutputHead(shallowUp);
        Assert.Equal(0.0, (cached - full).abs().max().item<float>());
    }
}
