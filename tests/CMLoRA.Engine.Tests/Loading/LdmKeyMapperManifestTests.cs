using CMLoRA.Engine.Loading;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>The mapping rules against the complete SD 1.5 manifests of both layouts.</summary>
public class LdmKeyMapperManifestTests
{
    private static readonly LdmKeyMapper Mapper = LdmKeyMapper.StableDiffusion15;

    private static ModelComponent ComponentOf(string name) => name switch
    {
        "unet" => ModelComponent.Unet,
        "vae" => ModelComponent.Vae,
        "text_encoder" => ModelComponent.TextEncoder,
        _ => throw new InvalidDataException(name),
    };

    [Fact]
    public void EveryMapRowIsReproducedByTheRules()
    {
        var rows = Sd15Manifest.Map();
        Assert.Equal(1130, rows.Count);
        var failures = new List<string>();
        foreach (var row in rows)
        {
            var mapping = Mapper.Map(row.LdmKey);
            if (mapping.Status != LdmKeyStatus.Mapped || mapping.Component != ComponentOf(row.Component)
                || mapping.DiffusersKey != row.DiffusersKey)
            {
                failures.Add($"{row.LdmKey} → {mapping.Status} {mapping.Component} {mapping.DiffusersKey}, expected {row.DiffusersKey}");
                continue;
            }
            var shape = mapping.TargetShape(row.LdmShape);
            if (!shape.SequenceEqual(row.DiffusersShape))
                failures.Add($"{row.LdmKey}: {Sd15Manifest.Text(shape)} ≠ {Sd15Manifest.Text(row.DiffusersShape)}");
        }
        Assert.Empty(failures);
        Assert.Equal(8, rows.Count(r => Mapper.Map(r.LdmKey).Reshape == WeightReshape.Conv1x1ToLinear));
    }

    [Fact]
    public void EverySingleFileKeyMapsOntoADiffusersKeyOfTheRightShapeAndEveryDiffusersKeyIsHitOnce()
    {
        var ldm = Sd15Manifest.Shapes("ldm_single_file.tsv");
        Assert.Equal(1130, ldm.Count);
        var manifests = new Dictionary<ModelComponent, Dictionary<string, long[]>>
        {
            [ModelComponent.Unet] = Sd15Manifest.Shapes("unet_diffusers.tsv"),
            [ModelComponent.Vae] = Sd15Manifest.Shapes("vae_diffusers.tsv"),
            [ModelComponent.TextEncoder] = Sd15Manifest.Shapes("text_encoder_diffusers.tsv"),
        };
        Assert.Equal([686, 248, 196], manifests.Values.Select(m => m.Count));
        var hits = manifests.ToDictionary(m => m.Key, m => m.Value.Keys.ToDictionary(k => k, _ => 0));

        var problems = new List<string>();
        foreach (var (key, shape) in ldm)
        {
            var mapping = Mapper.Map(key);
            if (mapping.Status != LdmKeyStatus.Mapped)
            {
                problems.Add($"{key} is {mapping.Status}");
                continue;
            }
            var component = mapping.Component!.Value;
            if (!manifests[component].TryGetValue(mapping.DiffusersKey!, out var target))
            {
                problems.Add($"{key} → {mapping.DiffusersKey}, which is not a {component} parameter");
                continue;
            }
            if (!mapping.TargetShape(shape).SequenceEqual(target))
                problems.Add($"{key} {Sd15Manifest.Text(shape)} does not fit {mapping.DiffusersKey} {Sd15Manifest.Text(target)}");
            hits[component][mapping.DiffusersKey!]++;
        }
        Assert.Empty(problems);
        var notHitOnce = hits.SelectMany(c => c.Value.Where(h => h.Value != 1).Select(h => $"{c.Key}:{h.Key}×{h.Value}")).ToList();
        Assert.Empty(notHitOnce);
    }

    [Theory]
    [InlineData("cond_stage_model.transformer.text_model.embeddings.position_ids")]
    [InlineData("cond_stage_model.transformer.embeddings.position_ids")]
    [InlineData("betas")]
    [InlineData("alphas_cumprod")]
    [InlineData("alphas_cumprod_prev")]
    [InlineData("sqrt_alphas_cumprod")]
    [InlineData("sqrt_one_minus_alphas_cumprod")]
    [InlineData("log_one_minus_alphas_cumprod")]
    [InlineData("sqrt_recip_alphas_cumprod")]
    [InlineData("sqrt_recipm1_alphas_cumprod")]
    [InlineData("posterior_variance")]
    [InlineData("posterior_log_variance_clipped")]
    [InlineData("posterior_mean_coef1")]
    [InlineData("posterior_mean_coef2")]
    [InlineData("model_ema.decay")]
    [InlineData("model_ema.num_updates")]
    [InlineData("model_ema.diffusion_modelinput_blocks00weight")]
    [InlineData("first_stage_model.loss.discriminator.main.0.weight")]
    public void RealFileExtrasAreIgnored(string key)
    {
        var mapping = Mapper.Map(key);
        Assert.Equal(LdmKeyStatus.Ignored, mapping.Status);
        Assert.Null(mapping.DiffusersKey);
        Assert.False(string.IsNullOrEmpty(mapping.Reason));
    }

    [Theory]
    [InlineData("cond_stage_model.transformer.text_model.banana.weight")]
    [InlineData("model.diffusion_model.input_blocks.1.1.banana.weight")]
    [InlineData("model.diffusion_model.input_blocks.1.0.in_layers.1.weight")]
    [InlineData("model.diffusion_model.output_blocks.1.1.conv.weight")] // an upsampler only closes a level
    [InlineData("model.diffusion_model.time_embed.0.weight.extra")]
    [InlineData("first_stage_model.decoder.up.4.block.0.conv1.weight")] // only 4 VAE levels
    [InlineData("first_stage_model.encoder.mid.attn_1.x.weight")]
    [InlineData("cond_stage_model.model.token_embedding.weight")] // SD 2.x OpenCLIP
    [InlineData("lora_unet_down_blocks_0_attentions_0_proj_in.alpha")]
    [InlineData("q7f3kd.x")]
    public void UnrecognisedKeysAreUnknown(string key) => Assert.Equal(LdmKeyStatus.Unknown, Mapper.Map(key).Status);

    [Fact]
    public void OldTextEncoderLayoutWithoutTextModelLevelMaps()
    {
        var mapping = Mapper.Map("cond_stage_model.transformer.encoder.layers.3.mlp.fc1.weight");
        Assert.Equal(LdmKeyStatus.Mapped, mapping.Status);
        Assert.Equal("text_model.encoder.layers.3.mlp.fc1.weight", mapping.DiffusersKey);
    }

    [Fact]
    public void StandaloneVaeKeysMapWithoutThePrefix()
    {
        var mapping = Mapper.MapVaeKey("decoder.mid.attn_1.proj_out.weight");
        Assert.Equal(("decoder.mid_block.attentions.0.to_out.0.weight", WeightReshape.Conv1x1ToLinear), (mapping.DiffusersKey, mapping.Reshape));
        Assert.Equal("decoder.up_blocks.3.resnets.1.conv_shortcut.bias", Mapper.MapVaeKey("decoder.up.0.block.1.nin_shortcut.bias").DiffusersKey);
        Assert.Equal(LdmKeyStatus.Ignored, Mapper.MapVaeKey("model_ema.decay").Status);
    }

    [Fact]
    public void SizesAreInferredFromTheKeys()
    {
        var mapper = LdmKeyMapper.InferFrom(Sd15Manifest.Shapes("ldm_single_file.tsv").Keys);
        Assert.Equal((2, 4), (mapper.UnetLayersPerBlock, mapper.VaeLevels));
        var three = LdmKeyMapper.InferFrom(["model.diffusion_model.input_blocks.4.0.op.weight", "decoder.up.2.block.0.conv1.weight"]);
        Assert.Equal((3, 3), (three.UnetLayersPerBlock, three.VaeLevels));
        Assert.Equal(
            "down_blocks.1.resnets.2.conv1.weight",
            three.Map("model.diffusion_model.input_blocks.7.0.in_layers.2.weight").DiffusersKey);
    }
}
