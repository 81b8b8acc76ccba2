using System.Text.Json;
using System.Text.Json.Nodes;
using CMLoRA.Engine.Models;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Writes model components in the diffusers/transformers folder layout: <c>config.json</c> with the library's class
/// fields and the weights as <c>diffusion_pytorch_model.safetensors</c> (diffusers) or <c>model.safetensors</c> (transformers).
/// </summary>
public static class DiffusersComponentWriter
{
    /// <summary>The diffusers version the configs claim; only informational for loaders.</summary>
    public const string DiffusersVersion = "0.27.2";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    // Derived properties of the config records that are no config.json keys.
    private static readonly string[] UnetDerivedKeys = ["time_embed_dim", "block_count", "heads_per_block"];

    /// <summary>Writes <c>vae/</c>: config.json and diffusion_pytorch_model.safetensors.</summary>
    public static void WriteVae(string folder, VaeConfig config, nn.Module vae, ScalarType dtype = ScalarType.Float32)
    {
        var json = JsonNode.Parse(ConfigJson.Serialize(config))!.AsObject();
        WriteConfig(folder, "config.json", "AutoencoderKL", json);
        WriteWeights(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), vae, dtype);
    }

    /// <summary>Writes <c>unet/</c>: config.json and diffusion_pytorch_model.safetensors.</summary>
    public static void WriteUnet(string folder, UNetConfig config, nn.Module unet, ScalarType dtype = ScalarType.Float32)
    {
        var json = JsonNode.Parse(ConfigJson.Serialize(config))!.AsObject();
        foreach (string key in UnetDerivedKeys) json.Remove(key);
        WriteConfig(folder, "config.json", "UNet2DConditionModel", json);
        WriteWeights(Path.Combine(folder, "diffusion_pytorch_model.safetensors"), unet, dtype);
    }

    /// <summary>Writes <c>text_encoder/</c>: a transformers CLIPTextConfig config.json and model.safetensors.</summary>
    public static void WriteTextEncoder(string folder, ClipTextConfig config, nn.Module textEncoder, ScalarType dtype = ScalarType.Float32)
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(config))!.AsObject();
        json["architectures"] = new JsonArray("CLIPTextModel");
        json["model_type"] = "clip_text_model";
        json["attention_dropout"] = 0.0;
        json["initializer_factor"] = 1.0;
        json["initializer_range"] = 0.02;
        json["projection_dim"] = config.HiddenSize;
        json["torch_dtype"] = dtype == ScalarType.Float16 ? "float16" : "float32";
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString(Indented));
        WriteWeights(Path.Combine(folder, "model.safetensors"), textEncoder, dtype);
    }

    /// <summary>Writes a module's state dict, converting floating-point tensors to <paramref name="dtype"/>.</summary>
    public static void WriteWeights(string path, nn.Module module, ScalarType dtype = ScalarType.Float32, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var scope = NewDisposeScope();
        var tensors = module.state_dict().Select(p => KeyValuePair.Create(p.Key, Convert(p.Value, dtype))).ToList();
        SafetensorsWriter.Write(path, tensors, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
    }

    internal static Tensor Convert(Tensor tensor, ScalarType dtype) =>
        tensor.is_floating_point() && tensor.dtype != dtype ? tensor.detach().to_type(dtype) : tensor.detach();

    private static void WriteConfig(string folder, string fileName, string className, JsonObject fields)
    {
        var json = new JsonObject { ["_class_name"] = className, ["_diffusers_version"] = DiffusersVersion };
        foreach (var (key, value) in fields) json[key] = value?.DeepClone();
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, fileName), json.ToJsonString(Indented));
    }
}
