using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static CMLoRA.Engine.Tests.Lora.LoraTestFiles;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>
/// Key resolution against the full-size SD 1.5 module tree (from the key manifests) and against the tiny reference
/// model, plus the tiny reference LoRA's merged weights reproduced from ΔW.
/// </summary>
public class LoraResolutionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<LoraTarget> Sd15Targets() =>
    [
        .. LoraTarget.FromStateDict(LoraComponent.Unet, ReadManifest("unet_diffusers.tsv")),
        .. LoraTarget.FromStateDict(LoraComponent.TextEncoder, ReadManifest("text_encoder_diffusers.tsv")),
    ];

    private sealed record TargetRow(string LoraName, string Component, string DiffusersKey, string ModuleType, long[] WeightShape, long[] DownShape, long[] UpShape);

    private static List<TargetRow> TargetRows() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Sd15Manifests, "kohya_lora_targets.tsv")).Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(p => new TargetRow(p[0], p[1], p[2], p[4], ParseShape(p[5]), ParseShape(p[6]), ParseShape(p[7])))
            .ToList();

    [Fact]
    public void AllSd15KohyaModulesResolveWithTheRightShapes()
    {
        var manifest = ReadManifest("kohya_lora_rank4.tsv");
        Assert.Equal(792, manifest.Count);
        using var generator = new TorchSharp.torch.Generator(7);
        string path = Write(_temp, "sd15_rank4.safetensors",
            manifest.Select(row => (row.Name, row.Shape.Length == 0 ? Scalar(1f) : randn(row.Shape, generator: generator).mul_(0.01))));

        using var lora = LoraFile.Open(path);
        Assert.Equal(264, lora.Modules.Count);
        Assert.Equal(192, lora.UnetModuleCount);
        Assert.Equal(72, lora.TextEncoderModuleCount);
        Assert.Equal(BaseModelFamily.SD1, lora.BaseModel.Family);
        Assert.Equal(768, lora.BaseModel.CrossAttentionWidth);
        Assert.Equal(4, lora.MostCommonRank);
        Assert.Equal(1.0, lora.MostCommonAlpha);

        var resolution = LoraKeyResolver.Resolve(lora, Sd15Targets());
        Assert.Empty(resolution.UnmatchedKeys);
        Assert.Empty(resolution.ShapeMismatches);
        Assert.True(resolution.IsComplete);
        Assert.Equal(264, resolution.Modules.Count);

        var byName = resolution.Modules.ToDictionary(r => r.Lora.SourceKey);
        var rows = TargetRows();
        Assert.Equal(264, rows.Count);
        foreach (var row in rows)
        {
            var resolved = byName[row.LoraName];
            Assert.Equal(row.Component == "unet" ? LoraComponent.Unet : LoraComponent.TextEncoder, resolved.Target.Component);
            Assert.Equal(row.DiffusersKey[..^".weight".Length], resolved.Target.ModulePath);
            Assert.Equal(row.ModuleType.StartsWith("Conv2d", StringComparison.Ordinal) ? ModuleKind.Conv2d : ModuleKind.Linear, resolved.Target.Kind);
            Assert.Equal(row.WeightShape, resolved.Target.WeightShape);
            Assert.Equal(row.WeightShape, resolved.Lora.DeltaShape);
            Assert.Equal(row.DownShape, resolved.Lora.Factors[LoraFactor.Down].Shape);
            Assert.Equal(row.UpShape, resolved.Lora.Factors[LoraFactor.Up].Shape);
            Assert.Equal(0.25, resolved.Lora.Scale);
        }

        var proj = byName["lora_unet_mid_block_attentions_0_proj_in"];
        using var delta = proj.Lora.DeltaWeight(1.0, proj.Target.WeightShape);
        Assert.Equal(new long[] { 1280, 1280, 1, 1 }, delta.shape);
    }

    [Fact]
    public void AllSd15ModulesResolveInDiffusersNamingToo()
    {
        using var generator = new TorchSharp.torch.Generator(8);
        var tensors = new List<(string, Tensor)>();
        foreach (var row in TargetRows())
        {
            string prefix = (row.Component == "unet" ? "unet." : "text_encoder.") + row.DiffusersKey[..^".weight".Length];
            tensors.Add(($"{prefix}.lora_A.weight", randn(row.DownShape, generator: generator)));
            tensors.Add(($"{prefix}.lora_B.weight", randn(row.UpShape, generator: generator)));
        }
        using var lora = LoraFile.Open(Write(_temp, "sd15_peft.safetensors", tensors,
            new Dictionary<string, string> { ["lora_adapter_metadata"] = """{"unet.lora_alpha": 4, "text_encoder.lora_alpha": 2}""" }));

        Assert.Equal(LoraNaming.Diffusers, lora.Naming);
        var resolution = LoraKeyResolver.Resolve(lora, Sd15Targets());
        Assert.True(resolution.IsComplete, string.Join("\n", resolution.UnmatchedKeys.Concat(resolution.ShapeMismatches)));
        Assert.Equal(264, resolution.Modules.Count);
        Assert.All(resolution.Modules, r => Assert.Equal(r.Target.Component == LoraComponent.Unet ? 1.0 : 0.5, r.Lora.Scale));
    }

    private static List<LoraTarget> TinyTargets()
    {
        string weights = Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");
        using var unet = SafetensorsFile.Open(Path.Combine(weights, "unet", "diffusion_pytorch_model.safetensors"));
        using var te = SafetensorsFile.Open(Path.Combine(weights, "text_encoder", "model.safetensors"));
        return
        [
            .. LoraTarget.FromStateDict(LoraComponent.Unet, unet.Entries.Select(e => (e.Name, e.Shape))),
            .. LoraTarget.FromStateDict(LoraComponent.TextEncoder, te.Entries.Select(e => (e.Name, e.Shape))),
        ];
    }

    private static string TinyLora => Path.Combine(RepoPaths.TinyReference, "weights", "lora", "lora_kohya.safetensors");

    [Fact]
    public void TinyReferenceLoraResolvesFully()
    {
        using var lora = LoraFile.Open(TinyLora);
        Assert.Equal(144, lora.Modules.Count);
        Assert.Equal(BaseModelFamily.Unknown, lora.BaseModel.Family);
        Assert.Equal(32, lora.BaseModel.CrossAttentionWidth);
        Assert.All(lora.Modules, m => Assert.Equal((4, 2.0, 0.5), (m.Rank, m.Alpha, m.Scale)));

        var resolution = LoraKeyResolver.Resolve(lora, TinyTargets());
        Assert.True(resolution.IsComplete, string.Join("\n", resolution.UnmatchedKeys.Concat(resolution.ShapeMismatches)));
        Assert.Equal(144, resolution.Modules.Count);
        Assert.Equal(lora.TextEncoderModuleCount, resolution.Modules.Count(r => r.Target.Component == LoraComponent.TextEncoder));
        Assert.Equal(12, lora.TextEncoderModuleCount);
    }

    /// <summary>
    /// The reference merged <c>W + 0.8·alpha/rank·up·down</c> in fp32; ΔW here must reproduce merged − base within 1e-6
    /// for every patched weight, and every other weight must be untouched in the reference files.
    /// </summary>
    [Theory]
    [InlineData("unet", "diffusion_pytorch_model.safetensors", "merged_unet.safetensors")]
    [InlineData("text_encoder", "model.safetensors", "merged_text_encoder.safetensors")]
    public void TinyReferenceDeltaReproducesTheMergedWeights(string component, string baseFile, string mergedFile)
    {
        string weights = Path.Combine(RepoPaths.TinyReference, "weights");
        using var baseWeights = SafetensorsFile.Open(Path.Combine(weights, "diffusers", component, baseFile));
        using var merged = SafetensorsFile.Open(Path.Combine(weights, "lora", mergedFile));
        using var lora = LoraFile.Open(TinyLora);
        var kind = component == "unet" ? LoraComponent.Unet : LoraComponent.TextEncoder;
        var targets = LoraTarget.FromStateDict(kind, baseWeights.Entries.Select(e => (e.Name, e.Shape)));
        var resolution = LoraKeyResolver.Resolve(lora.Modules.Where(m => m.Component == kind), targets);
        Assert.True(resolution.IsComplete);

        double worst = 0;
        var patched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (module, target) in resolution.Modules)
        {
            string key = target.ModulePath + ".weight";
            patched.Add(key);
            using var scope = NewDisposeScope();
            var expected = merged.ReadTensor(key).sub(baseWeights.ReadTensor(key));
            var delta = module.DeltaWeight(0.8, target.WeightShape);
            worst = Math.Max(worst, delta.sub(expected).abs().max().item<float>());
        }
        output.WriteLine($"{component}: largest |ΔW − (merged − base)| = {worst:E2}");
        Assert.True(worst <= 1e-6, $"largest |ΔW − (merged − base)| is {worst:E2}");
        Assert.Equal(component == "unet" ? 132 : 12, patched.Count);

        foreach (var entry in baseWeights.Entries.Where(e => !patched.Contains(e.Name)))
        {
            using var scope = NewDisposeScope();
            Assert.True(merged.ReadTensor(entry.Name).equal(baseWeights.ReadTensor(entry.Name)).all().item<bool>(), entry.Name);
        }
    }

    [Fact]
    public void UnmatchedAndMisshapenModulesAreReported()
    {
        using var lora = LoraFile.Open(Write(_temp, "partial.safetensors",
        [
            ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight", Random(1, 4, 1280)),
            ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight", Random(2, 1280, 4)),
            ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn9_to_q.lora_down.weight", Random(3, 4, 1280)),
            ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn9_to_q.lora_up.weight", Random(4, 1280, 4)),
            ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_k.lora_down.weight", Random(5, 4, 640)),
            ("lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_k.lora_up.weight", Random(6, 1280, 4)),
        ]));

        var resolution = LoraKeyResolver.Resolve(lora, Sd15Targets());
        Assert.Single(resolution.Modules);
        Assert.Equal(["lora_unet_mid_block_attentions_0_transformer_blocks_0_attn9_to_q"], resolution.UnmatchedKeys);
        var mismatch = Assert.Single(resolution.ShapeMismatches);
        Assert.Equal("'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_k' multiplies out to [1280,640] but " +
            "'mid_block.attentions.0.transformer_blocks.0.attn1.to_k.weight' is [1280,1280]", mismatch);
        var error = Assert.Throws<LoraFormatException>(() => resolution.EnsureComplete("partial"));
        Assert.Equal(LoraErrorKind.UnmatchedKeys, error.Kind);
        Assert.StartsWith("LoRA 'partial': 1 module(s) match no layer of the model: 'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn9_to_q'", error.Message);
    }

    [Fact]
    public void AmbiguousModulePathsAreAnError()
    {
        var targets = new[]
        {
            new LoraTarget(LoraComponent.Unet, "a_b.c", ModuleKind.Linear, [2, 2]),
            new LoraTarget(LoraComponent.Unet, "a.b_c", ModuleKind.Linear, [2, 2]),
        };
        var error = Assert.Throws<ArgumentException>(() => LoraKeyResolver.BuildMap(targets));
        Assert.Contains("'a_b.c' and 'a.b_c'", error.Message);
    }
}
