using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Writes random LoRA files in kohya's format for a model, so benchmarks load them exactly like downloaded ones:
/// rank r on every linear and 1×1 convolution of the UNet's transformers (attn1/attn2 q/k/v/out, ff, proj_in/out)
/// and every attention and MLP linear of the text encoder, alpha = r (scale 1). Values are not trained.
/// </summary>
public static class SyntheticLora
{
    /// <summary>Writes the file and returns the number of adapted modules.</summary>
    /// <param name="path">The .safetensors file to create.</param>
    /// <param name="unet">The UNet whose layer shapes the factors follow.</param>
    /// <param name="textEncoder">The text encoder, or null for a UNet-only LoRA.</param>
    /// <param name="rank">The LoRA rank r.</param>
    /// <param name="seed">Seed of the factors.</param>
    public static int Write(string path, UNet2DConditionModel unet, CLIPTextModel? textEncoder, int rank, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        using var guard = no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        int modules = 0;

        void Add(string prefix, string modulePath, nn.Module module)
        {
            (long outFeatures, long inFeatures, bool conv) = module switch
            {
                Linear l => (l.weight!.shape[0], l.weight!.shape[1], false),
                Conv2d c => (c.weight!.shape[0], c.weight!.shape[1], true),
                _ => (0L, 0L, false),
            };
            if (outFeatures == 0) return;
            // Down keeps unit variance per rank component; up is small so the adapted model stays close to the base.
            using Scalar downScale = Math.Sqrt(inFeatures).ToScalar(), upScale = (0.1 / Math.Sqrt(rank)).ToScalar();
            var down = randn(rank, inFeatures, generator: generator).div_(downScale);
            var up = randn(outFeatures, rank, generator: generator).mul_(upScale);
            string key = prefix + modulePath.Replace('.', '_');
            tensors.Add(new(key + ".lora_down.weight", conv ? down.reshape(rank, inFeatures, 1, 1) : down));
            tensors.Add(new(key + ".lora_up.weight", conv ? up.reshape(outFeatures, rank, 1, 1) : up));
            tensors.Add(new(key + ".alpha", tensor((float)rank)));
            modules++;
        }

        foreach (var (name, module) in unet.named_modules())
            if (name.Contains(".attentions.") && (module is Linear || module is Conv2d c && c.weight!.shape[2] == 1))
                Add("lora_unet_", name, module);
        if (textEncoder is not null)
            foreach (var (name, module) in textEncoder.named_modules())
                if (name.StartsWith("text_model.encoder.layers.", StringComparison.Ordinal) && module is Linear)
                    Add("lora_te_", name, module);

        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["ss_network_module"] = "networks.lora",
            ["ss_network_dim"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ss_network_alpha"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["note"] = "synthetic random LoRA for benchmarks, not trained",
        });
        return modules;
    }
}
