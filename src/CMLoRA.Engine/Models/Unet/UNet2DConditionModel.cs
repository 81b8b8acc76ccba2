using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Unet;

/// <summary>
/// diffusers' <c>UNet2DConditionModel</c> for SD 1.x/2.x, with its module tree and state-dict names
/// (<c>time_embedding</c>, <c>conv_in</c>, <c>down_blocks</c>, <c>mid_block</c>, <c>up_blocks</c>,
/// <c>conv_norm_out</c>, <c>conv_out</c>). The forward is split into <see cref="EmbedTime"/>,
/// <see cref="DownPath"/>, the mid block, <see cref="UpPath"/> and <see cref="OutputHead"/> so that feature caching
/// can record a skip or deep feature and rerun only the shallow path.
/// </summary>
public sealed class UNet2DConditionModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Timesteps time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly Conv2d conv_in;
    private readonly ModuleList<UNetDownBlock> down_blocks;
    private readonly UNetMidBlock2DCrossAttn mid_block;
    private readonly ModuleList<UNetUpBlock> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public UNetConfig Config { get; }

    /// <summary>The down blocks, shallow to deep.</summary>
    public IReadOnlyList<UNetDownBlock> DownBlocks => down_blocks.ToList();

    /// <summary>The up blocks, deep to shallow.</summary>
    public IReadOnlyList<UNetUpBlock> UpBlocks => up_blocks.ToList();

    /// <summary>Builds the model with freshly initialised weights (use <see cref="LayerFactory.Meta"/> for shapes only).</summary>
    public UNet2DConditionModel(UNetConfig config, LayerFactory layers = default) : base(nameof(UNet2DConditionModel))
    {
        Config = config.Validate();
        int n = config.BlockCount;
        long groups = config.NormNumGroups!.Value;
        long c0 = config.BlockOutChannels[0];
        long temb = config.TimeEmbedDim;
        int[] heads = config.HeadsPerBlock;
        int[] layersPerBlock = config.LayersPerBlock.Resolve(n, "layers_per_block");
        int[] transformerLayers = config.TransformerLayersPerBlock.Resolve(n, "transformer_layers_per_block");
        int[] contextDims = config.CrossAttentionDim.Resolve(n, "cross_attention_dim");
        bool[] onlyCross = config.OnlyCrossAttention.Resolve(n, "only_cross_attention");
        TransformerSettings Settings(int block) => new(heads[block], contextDims[block], transformerLayers[block],
            groups, config.UseLinearProjection, onlyCross[block], config.UpcastAttention);

        time_proj = new Timesteps(c0, config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(c0, temb, layers);
        conv_in = layers.Conv2d(config.InChannels, c0, config.ConvInKernel, padding: (config.ConvInKernel - 1) / 2);

        down_blocks = new ModuleList<UNetDownBlock>();
        long output = c0;
        for (int i = 0; i < n; i++)
        {
            long input = output;
            output = config.BlockOutChannels[i];
            string type = config.DownBlockTypes[i];
            down_blocks.Add(new UNetDownBlock(type, input, output, temb, layersPerBlock[i], i < n - 1,
                type == "CrossAttnDownBlock2D" ? Settings(i) : null, config, layers));
        }

        mid_block = new UNetMidBlock2DCrossAttn(config.BlockOutChannels[n - 1], temb, Settings(n - 1), config, layers);

        // Up block i mirrors down block n-1-i: per-block settings are read in reverse.
        up_blocks = new ModuleList<UNetUpBlock>();
        output = config.BlockOutChannels[n - 1];
        for (int i = 0; i < n; i++)
        {
            int mirror = n - 1 - i;
            long previous = output;
            output = config.BlockOutChannels[mirror];
            long input = config.BlockOutChannels[Math.Max(mirror - 1, 0)];
            string type = config.UpBlockTypes[i];
            up_blocks.Add(new UNetUpBlock(type, input, previous, output, temb, layersPerBlock[mirror] + 1, i < n - 1,
                type == "CrossAttnUpBlock2D" ? Settings(mirror) : null, config, layers));
        }

        conv_norm_out = layers.GroupNorm(groups, c0, config.NormEps);
        conv_out = layers.Conv2d(c0, config.OutChannels, config.ConvOutKernel, padding: (config.ConvOutKernel - 1) / 2);
        RegisterComponents();
        foreach (var parameter in parameters()) parameter.requires_grad = false;
    }

    /// <summary>
    /// Builds the model from a diffusers component folder (<c>config.json</c> and
    /// <c>diffusion_pytorch_model.safetensors</c>), streaming each weight into its parameter.
    /// </summary>
    /// <exception cref="CheckpointLoadException">the file's tensors do not match the configured model (missing,
    /// unexpected or misshapen, all listed); nothing is loaded then.</exception>
    public static UNet2DConditionModel FromDiffusersFolder(string unetFolder, LayerFactory layers = default)
    {
        var config = UNetConfig.Load(Path.Combine(unetFolder, "config.json"));
        var model = new UNet2DConditionModel(config, layers);
        try
        {
            using var file = SafetensorsFile.Open(DiffusersFiles.Weights(unetFolder));
            ParameterLoader.Load(model, ComponentBindings.FromDiffusersFile(file, ModelComponent.Unet, []), "unet");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Predicts the noise. <paramref name="timesteps"/> is a scalar or [B] (fractional values allowed);
    /// <paramref name="encoderHiddenStates"/> is [B, 77, cross_attention_dim]. Inputs are cast to the weights'
    /// device and dtype; the result is in the weights' dtype.
    /// </summary>
    public override Tensor forward(Tensor sample, Tensor timesteps, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var x = PrepareSample(sample);
        var context = ToModel(encoderHiddenStates);
        var temb = EmbedTime(timesteps, x.shape[0]);
        var skips = new List<Tensor>();
        var deepest = DownPath(x, temb, context, skips);
        var middle = mid_block.call(deepest, temb, context);
        var shallow = UpPath(middle, skips, temb, context);
        return OutputHead(shallow).MoveToOuterDisposeScope();
    }

    /// <summary>Casts the sample to the weights' device and dtype and applies <c>center_input_sample</c>.</summary>
    public Tensor PrepareSample(Tensor sample)
    {
        var x = ToModel(sample);
        bool converted = !ReferenceEquals(x, sample);
        if (!Config.CenterInputSample) return converted ? x : sample.alias();
        using Scalar two = 2.0.ToScalar(), one = 1.0.ToScalar();
        var centered = x.mul(two).sub_(one);
        if (converted) x.Dispose();
        return centered;
    }

    /// <summary>The time embedding [B, time_embed_dim] for a scalar or [B] timestep tensor.</summary>
    public Tensor EmbedTime(Tensor timesteps, long batch)
    {
        using var onDevice = timesteps.to(conv_in.weight!.device);
        using var flat = onDevice.reshape(-1);
        if (flat.shape[0] != 1 && flat.shape[0] != batch)
            throw new ArgumentException($"timesteps has {flat.shape[0]} values but the batch is {batch}", nameof(timesteps));
        using var expanded = flat.expand(batch);
        using var sinusoid = time_proj.call(expanded);
        using var typed = sinusoid.to_type(conv_in.weight!.dtype);
        return time_embedding.call(typed);
    }

    /// <summary>
    /// <c>conv_in</c> and the down blocks. Appends conv_in's output and every block's per-layer outputs to
    /// <paramref name="skips"/>. With <paramref name="lastBlock"/>/<paramref name="lastBlockLayers"/> set, stops in
    /// that block after that many layers (no downsampler), as the cached shallow path does.
    /// </summary>
    public Tensor DownPath(Tensor sample, Tensor temb, Tensor context, List<Tensor> skips, int? lastBlock = null,
        int? lastBlockLayers = null)
    {
        var h = conv_in.call(sample);
        skips.Add(h);
        int end = lastBlock ?? down_blocks.Count - 1;
        for (int i = 0; i <= end; i++)
            h = down_blocks[i].Forward(h, temb, context, skips, i == lastBlock ? lastBlockLayers : null);
        return h;
    }

    /// <summary>Runs the mid block on the deepest feature.</summary>
    public Tensor MidBlock(Tensor hidden, Tensor temb, Tensor context) => mid_block.call(hidden, temb, context);

    /// <summary>
    /// Up blocks from <paramref name="firstBlock"/> (starting at its layer <paramref name="firstLayer"/>) to the
    /// last, consuming <paramref name="skips"/> from the end. <paramref name="onLayerInput"/> is called with
    /// (up block, layer, hidden state entering that layer's resnet).
    /// </summary>
    public Tensor UpPath(Tensor hidden, List<Tensor> skips, Tensor temb, Tensor context, int firstBlock = 0,
        int firstLayer = 0, Action<int, int, Tensor>? onLayerInput = null)
    {
        Tensor h = hidden;
        for (int i = firstBlock; i < up_blocks.Count; i++)
        {
            var block = up_blocks[i];
            int start = i == firstBlock ? firstLayer : 0;
            // Upsample to the size of the skip the next block consumes first, so odd latent sizes line up.
            int nextSkip = skips.Count - (block.LayerCount - start) - 1;
            long[]? size = block.HasUpsampler && nextSkip >= 0 ? skips[nextSkip].shape[2..] : null;
            int blockIndex = i;
            Action<int, Tensor>? observer = onLayerInput is null ? null : (layer, t) => onLayerInput(blockIndex, layer, t);
            h = block.Forward(h, skips, temb, context, size, start, observer);
        }
        return h;
    }

    /// <summary><c>conv_norm_out</c> → SiLU → <c>conv_out</c>.</summary>
    public Tensor OutputHead(Tensor hidden)
    {
        using var normed = conv_norm_out.call(hidden);
        normed.silu_();
        return conv_out.call(normed);
    }

    private Tensor ToModel(Tensor input)
    {
        var weight = conv_in.weight!;
        return input.device == weight.device && input.dtype == weight.dtype ? input : input.to(weight.dtype, weight.device);
    }
}
