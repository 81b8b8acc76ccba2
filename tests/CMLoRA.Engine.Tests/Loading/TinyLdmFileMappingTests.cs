using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Tests.Models.Clip;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>The rules on real data: the tiny fixture's single file against its diffusers folder, value by value.</summary>
public class TinyLdmFileMappingTests
{
    private static string Diffusers(string component, string file) =>
        Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", component, file);

    [Fact]
    public void EveryTensorOfTheSingleFileEqualsItsDiffusersTensor()
    {
        using var ldm = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "weights", "ldm", "model.safetensors"));
        using var unet = SafetensorsFile.Open(Diffusers("unet", "diffusion_pytorch_model.safetensors"));
        using var vae = SafetensorsFile.Open(Diffusers("vae", "diffusion_pytorch_model.safetensors"));
        using var textEncoder = SafetensorsFile.Open(Diffusers("text_encoder", "model.safetensors"));
        var files = new Dictionary<ModelComponent, SafetensorsFile>
        {
            [ModelComponent.Unet] = unet,
            [ModelComponent.Vae] = vae,
            [ModelComponent.TextEncoder] = textEncoder,
        };
        var mapper = LdmKeyMapper.InferFrom(ldm.Names);
        Assert.Equal((2, 4), (mapper.UnetLayersPerBlock, mapper.VaeLevels));

        var hits = new HashSet<(ModelComponent, string)>();
        var problems = new List<string>();
        int reshaped = 0;
        foreach (var entry in ldm.Entries)
        {
            var mapping = mapper.Map(entry.Name);
            if (mapping.Status != LdmKeyStatus.Mapped)
            {
                problems.Add($"{entry.Name} is {mapping.Status}");
                continue;
            }
            var target = files[mapping.Component!.Value];
            if (!target.Contains(mapping.DiffusersKey!))
            {
                problems.Add($"{entry.Name} → {mapping.DiffusersKey}, absent from the diffusers {mapping.Component}");
                continue;
            }
            if (!hits.Add((mapping.Component!.Value, mapping.DiffusersKey!)))
                problems.Add($"{mapping.DiffusersKey} hit twice");
            using var stored = ldm.ReadTensor(entry.Name);
            using var expected = target.ReadTensor(mapping.DiffusersKey!);
            using var reshapedStored = stored.reshape(mapping.TargetShape(stored.shape));
            if (!TensorComparison.BitEqual(reshapedStored, expected))
                problems.Add($"{entry.Name} differs from {mapping.DiffusersKey}");
            if (mapping.Reshape == WeightReshape.Conv1x1ToLinear) reshaped++;
        }
        Assert.Empty(problems);
        Assert.Equal(8, reshaped); // q, k, v, proj_out of the encoder's and the decoder's mid-block attention
        Assert.Equal(unet.Entries.Count + vae.Entries.Count + textEncoder.Entries.Count, hits.Count);
        Assert.Equal(ldm.Entries.Count, hits.Count);
    }
}
