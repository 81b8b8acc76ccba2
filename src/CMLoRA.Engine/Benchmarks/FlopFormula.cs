using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// FLOPs of a forward pass derived from a config alone, without building the model: 2·MACs of every convolution and
/// linear layer and 4·B·Lq·Lk·width for attention's two matmuls — the rules <see cref="FlopCounter"/> applies to a
/// live model, so each checks the other. Norms, activations, additions, concatenations and resampling are left out.
/// </summary>
/// <remarks>
/// For SD 1.5 at 512² (latent 64², 77 context tokens) this gives 803 GFLOP per sample, 1.61 TFLOP for a CFG pair:
/// 50% in 3×3 convolutions, 19% in feed-forwards, 16% in QKᵀ·V (13% is self-attention over the 4096 tokens of the
/// 64² blocks alone), 10% in attention projections, 5% in 1×1 convolutions.
/// </remarks>
public static class FlopFormula
{
    /// <summary>A UNet forward on a batch of <paramref name="batch"/> latents of the given size with a text context.</summary>
    public static FlopBreakdown UNet(UNetConfig config, long batch, long latentHeight, long latentWidth, long contextLength = 77)
    {
        var flops = new FlopBreakdown();
        int n = config.BlockCount;
        long c0 = config.BlockOutChannels[0], temb = config.TimeEmbedDim;
        int[] layers = config.LayersPerBlock.Resolve(n, "layers_per_block");
        int[] transformerLayers = config.TransformerLayersPerBlock.Resolve(n, "transformer_layers_per_block");
        int[] contextDims = config.CrossAttentionDim.Resolve(n, "cross_attention_dim");
        bool[] onlyCross = config.OnlyCrossAttention.Resolve(n, "only_cross_attention");

        void Resnet(long cin, long cout, Size s)
        {
            Resnet2D(flops, batch, cin, cout, s);
            flops.Add(FlopBreakdown.TimeEmbedding, 2.0 * batch * temb * cout);
        }
        void Transformer(int block, long channels, Size s)
        {
            long tokens = s.Pixels;
            flops.Add(config.UseLinearProjection ? FlopBreakdown.AttentionProjections : FlopBreakdown.Conv1x1, 2 * 2.0 * batch * tokens * channels * channels);
            for (int t = 0; t < transformerLayers[block]; t++)
            {
                // attn1: self-attention (or cross when only_cross_attention); attn2: cross-attention on the text.
                long selfKeys = onlyCross[block] ? contextLength : tokens, selfKvDim = onlyCross[block] ? contextDims[block] : channels;
                Attention(flops, batch, tokens, selfKeys, channels, selfKvDim);
                Attention(flops, batch, tokens, contextLength, channels, contextDims[block]);
                // GEGLU: proj to 2·4C, then 4C back to C.
                flops.Add(FlopBreakdown.FeedForward, 2.0 * batch * tokens * (channels * 8 * channels + 4 * channels * channels));
            }
        }

        var size = new Size(latentHeight, latentWidth);
        flops.Add(FlopBreakdown.TimeEmbedding, 2.0 * batch * (c0 * temb + temb * temb));
        Conv(flops, batch, config.InChannels, c0, config.ConvInKernel, size);

        // Down path: every layer output (and downsampler output) is a skip, consumed last-in first-out by the up path.
        var skips = new Stack<(long Channels, Size Size)>();
        skips.Push((c0, size));
        long output = c0;
        for (int i = 0; i < n; i++)
        {
            long input = output;
            output = config.BlockOutChannels[i];
            for (int j = 0; j < layers[i]; j++)
            {
                Resnet(j == 0 ? input : output, output, size);
                if (config.DownBlockTypes[i] == "CrossAttnDownBlock2D") Transformer(i, output, size);
                skips.Push((output, size));
            }
            if (i < n - 1)
            {
                size = size.HalvedByStrideTwo();
                Conv(flops, batch, output, output, 3, size);
                skips.Push((output, size));
            }
        }

        Resnet(output, output, size);
        Transformer(n - 1, output, size);
        Resnet(output, output, size);

        for (int i = 0; i < n; i++)
        {
            int mirror = n - 1 - i;
            long previous = output;
            output = config.BlockOutChannels[mirror];
            for (int j = 0; j < layers[mirror] + 1; j++)
            {
                var (skipChannels, _) = skips.Pop();
                Resnet((j == 0 ? previous : output) + skipChannels, output, size);
                if (config.UpBlockTypes[i] == "CrossAttnUpBlock2D") Transformer(mirror, output, size);
            }
            if (i < n - 1)
            {
                size = skips.Peek().Size;
                Conv(flops, batch, output, output, 3, size);
            }
        }
        Conv(flops, batch, c0, config.OutChannels, config.ConvOutKernel, size);
        return flops;
    }

    /// <summary>A CLIP text-encoder forward over <paramref name="tokens"/> tokens (all layers; the causal mask is not discounted).</summary>
    public static FlopBreakdown TextEncoder(ClipTextConfig config, long batch, long tokens)
    {
        var flops = new FlopBreakdown();
        long h = config.HiddenSize;
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            Attention(flops, batch, tokens, tokens, h, h);
            flops.Add(FlopBreakdown.FeedForward, 2 * 2.0 * batch * tokens * h * config.IntermediateSize);
        }
        return flops;
    }

    /// <summary>A VAE decode (post_quant_conv and the decoder) of <paramref name="batch"/> latents of the given size.</summary>
    public static FlopBreakdown VaeDecoder(VaeConfig config, long batch, long latentHeight, long latentWidth)
    {
        var flops = new FlopBreakdown();
        var channels = config.BlockOutChannels;
        int n = channels.Count;
        var size = new Size(latentHeight, latentWidth);
        if (config.UsePostQuantConv) Conv(flops, batch, config.LatentChannels, config.LatentChannels, 1, size);
        long output = channels[n - 1];
        Conv(flops, batch, config.LatentChannels, output, 3, size);
        Resnet2D(flops, batch, output, output, size);
        if (config.MidBlockAddAttention) Attention(flops, batch, size.Pixels, size.Pixels, output, output);
        Resnet2D(flops, batch, output, output, size);
        for (int i = 0; i < n; i++)
        {
            long input = output;
            output = channels[n - 1 - i];
            for (int j = 0; j < config.LayersPerBlock + 1; j++) Resnet2D(flops, batch, j == 0 ? input : output, output, size);
            if (i < n - 1)
            {
                size = new Size(size.Height * 2, size.Width * 2);
                Conv(flops, batch, output, output, 3, size);
            }
        }
        Conv(flops, batch, channels[0], config.OutChannels, 3, size);
        return flops;
    }

    private readonly record struct Size(long Height, long Width)
    {
        public long Pixels => Height * Width;

        // A 3×3 convolution with stride 2 and padding 1: ⌊(h − 1)/2⌋ + 1 = ⌈h/2⌉.
        public Size HalvedByStrideTwo() => new((Height + 1) / 2, (Width + 1) / 2);
    }

    private static void Conv(FlopBreakdown flops, long batch, long cin, long cout, long kernel, Size output) =>
        flops.Add(kernel == 1 ? FlopBreakdown.Conv1x1 : FlopBreakdown.Conv3x3, 2.0 * batch * output.Pixels * cout * cin * kernel * kernel);

    // Resnet convolutions only; the caller adds the time projection when there is one.
    private static void Resnet2D(FlopBreakdown flops, long batch, long cin, long cout, Size s)
    {
        Conv(flops, batch, cin, cout, 3, s);
        Conv(flops, batch, cout, cout, 3, s);
        if (cin != cout) Conv(flops, batch, cin, cout, 1, s);
    }

    // q from the queries; k, v from the keys' source (width kvDim); out back to the query width; then QKᵀ and AV.
    private static void Attention(FlopBreakdown flops, long batch, long queries, long keys, long width, long kvDim)
    {
        flops.Add(FlopBreakdown.AttentionProjections, 2.0 * batch * (2 * queries * width * width + 2 * keys * kvDim * width));
        flops.Add(FlopBreakdown.AttentionScores, 4.0 * batch * queries * keys * width);
    }
}
