using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Models.Clip;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models;

/// <summary><c>FromDiffusersFolder</c> of the UNet and the VAE on edited copies of the tiny model's component folders.</summary>
public sealed class DiffusersComponentLoadingTests : IDisposable
{
    private static string Fixture(string component) => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", component);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // A copy of the fixture's component folder whose tensors went through edit (null drops a tensor); returns the folder.
    private string EditedCopy(string component, Func<string, Tensor, (string Name, Tensor Value)?> edit,
        params (string Name, Tensor Value)[] extra)
    {
        string folder = _temp.File(component);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Fixture(component), "config.json"), Path.Combine(folder, "config.json"));
        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        using (var source = SafetensorsFile.Open(Path.Combine(Fixture(component), "diffusion_pytorch_model.safetensors")))
            foreach (var entry in source.Entries)
                if (edit(entry.Name, source.ReadTensor(entry.Name)) is { } kept)
                    tensors.Add(KeyValuePair.Create(kept.Name, kept.Value));
        tensors.AddRange(extra.Select(e => KeyValuePair.Create(e.Name, e.Value)));
        SafetensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), tensors);
        return folder;
    }

    private static string WeightsOf(string folder) => Path.Combine(folder, "diffusion_pytorch_model.safetensors");

    [Fact]
    public void Float16TensorsStreamIntoFloat32Parameters()
    {
        string folder = EditedCopy("vae", (name, value) => (name, value.to_type(ScalarType.Float16)));

        using var vae = AutoencoderKL.FromDiffusersFolder(folder);

        using var file = SafetensorsFile.Open(WeightsOf(folder));
        var state = vae.state_dict();
        Assert.Equal(file.Entries.Count, state.Count);
        foreach (var (name, parameter) in state)
        {
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            using var stored = file.ReadTensor(name);
            using var expected = stored.to_type(ScalarType.Float32);
            Assert.True(TensorComparison.BitEqual(expected, parameter), name);
        }
    }

    [Fact]
    public void AMismatchedVaeListsTheMissingUnexpectedAndMisshapenTensorsAndTheFile()
    {
        long channels = 0;
        string folder = EditedCopy("vae", (name, value) => name switch
        {
            "decoder.conv_out.bias" => null,
            "encoder.conv_in.bias" => (name, zeros((channels = value.shape[0]) + 1)),
            _ => (name, value),
        }, ("decoder.extra.weight", ones(2)));

        var error = Assert.Throws<CheckpointLoadException>(() => AutoencoderKL.FromDiffusersFolder(folder));

        Assert.Equal($"vae: the weights in '{WeightsOf(folder)}' do not fit the model. "
                     + "1 parameters with no tensor in the checkpoint: decoder.conv_out.bias. "
                     + "1 tensors with no parameter in the model: decoder.extra.weight. "
                     + $"1 shape mismatches: encoder.conv_in.bias is [{channels + 1}] but encoder.conv_in.bias needs [{channels}].",
            error.Message);
    }

    [Fact]
    public void AUNetWithAMissingTensorIsRefused()
    {
        string folder = EditedCopy("unet", (name, value) => name == "conv_out.weight" ? null : (name, value));

        var error = Assert.Throws<CheckpointLoadException>(() => UNet2DConditionModel.FromDiffusersFolder(folder));

        Assert.Equal($"unet: the weights in '{WeightsOf(folder)}' do not fit the model. "
                     + "1 parameters with no tensor in the checkpoint: conv_out.weight.", error.Message);
    }

    [Fact]
    public void VaeAttentionNamesOfOldDiffusersLoadAsTheCurrentOnes()
    {
        var renames = new Dictionary<string, string> { ["to_q"] = "query", ["to_k"] = "key", ["to_v"] = "value", ["to_out.0"] = "proj_attn" };
        const string attention = "encoder.mid_block.attentions.0.";
        int renamed = 0;
        string folder = EditedCopy("vae", (name, value) =>
        {
            foreach (var (current, old) in renames)
                if (name.StartsWith(attention + current + ".", StringComparison.Ordinal))
                {
                    renamed++;
                    return (attention + old + name[(attention + current).Length..], value);
                }
            return (name, value);
        });
        Assert.Equal(8, renamed); // weight and bias of q, k, v and out

        using var vae = AutoencoderKL.FromDiffusersFolder(folder);
        using var original = AutoencoderKL.FromDiffusersFolder(Fixture("vae"));

        var expected = original.state_dict();
        foreach (var (name, parameter) in vae.state_dict())
            Assert.True(TensorComparison.BitEqual(expected[name], parameter), name);
    }
}
