using System.Text.RegularExpressions;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The LoRA layers of one training run, as kohya's <c>networks.lora</c> places them on SD 1.x: every Linear and 1×1
/// Conv2d inside the UNet's transformer blocks (proj_in, attn1/attn2 to_q/to_k/to_v/to_out.0, ff, proj_out) and,
/// optionally, the text encoder's attention and MLP projections. Its state dict is the kohya file:
/// <c>lora_unet_…​.lora_down.weight</c>, <c>….lora_up.weight</c>, <c>….alpha</c>.
/// </summary>
public sealed partial class TrainableLoraNetwork : nn.Module
{
    public const string UnetPrefix = "lora_unet_", TextEncoderPrefix = "lora_te_";

    private readonly List<TrainableLoraLayer> _layers = [];

    [GeneratedRegex(@"\.attentions\.\d+\.(proj_in|proj_out|transformer_blocks\.\d+\.(attn[12]\.(to_q|to_k|to_v|to_out\.0)|ff\.net\.(0\.proj|2)))$")]
    private static partial Regex UnetTarget();

    [GeneratedRegex(@"\.(self_attn\.(q_proj|k_proj|v_proj|out_proj)|mlp\.(fc1|fc2))$")]
    private static partial Regex TextTarget();

    /// <summary>Builds (and attaches) the layers; initial down weights come from <paramref name="generator"/> (else libtorch's global one).</summary>
    public TrainableLoraNetwork(nn.Module unet, nn.Module? textEncoder, int rank, float alpha, torch.Generator? generator = null)
        : base(nameof(TrainableLoraNetwork))
    {
        Add(unet, UnetPrefix, UnetTarget(), rank, alpha, generator);
        if (textEncoder is not null) Add(textEncoder, TextEncoderPrefix, TextTarget(), rank, alpha, generator);
        if (_layers.Count == 0) throw new ArgumentException("the model has no layers a LoRA can adapt");
    }

    /// <summary>The layers in registration order.</summary>
    public IReadOnlyList<TrainableLoraLayer> Layers => _layers;

    private void Add(nn.Module model, string prefix, Regex target, int rank, float alpha, torch.Generator? generator)
    {
        foreach (var (path, module) in model.named_modules())
        {
            if (module is not nn.Module<Tensor, Tensor> layer || !target.IsMatch("." + path)) continue;
            var lora = new TrainableLoraLayer(prefix + path.Replace('.', '_'), layer, rank, alpha, generator);
            register_module(lora.Name, lora);
            lora.Attach();
            _layers.Add(lora);
        }
    }

    /// <summary>Writes the kohya LoRA file, converting the factors to <paramref name="dtype"/>.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string> metadata, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var tensors = state_dict().Select(p => KeyValuePair.Create(p.Key, DiffusersComponentWriter.Convert(p.Value, dtype))).ToList();
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) foreach (var layer in _layers) layer.Detach();
        base.Dispose(disposing);
    }
}
