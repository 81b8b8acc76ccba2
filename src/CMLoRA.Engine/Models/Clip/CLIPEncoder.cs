using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.Models.Clip;

/// <summary>The stack of CLIP text layers (transformers <c>CLIPEncoder</c>); parameter names <c>layers.{i}.…</c>.</summary>
public sealed class CLIPEncoder : Module<Tensor, Tensor>
{
    private readonly ModuleList<CLIPEncoderLayer> layers;

    public CLIPEncoder(ClipTextConfig config, Device? device = null) : base(nameof(CLIPEncoder))
    {
        layers = new ModuleList<CLIPEncoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
            layers.Add(new CLIPEncoderLayer(config, device));
        RegisterComponents();
    }

    /// <summary>Number of layers.</summary>
    public int Count => layers.Count;

    /// <summary>Runs layer <paramref name="index"/> (0-based) on its input.</summary>
    public Tensor RunLayer(int index, Tensor hiddenStates) => layers[index].call(hiddenStates);

    public override Tensor forward(Tensor hiddenStates)
    {
        Tensor current = hiddenStates;
        for (int i = 0; i < layers.Count; i++)
        {
            var next = layers[i].call(current);
            if (!ReferenceEquals(current, hiddenStates)) current.Dispose();
            current = next;
        }
        return ReferenceEquals(current, hiddenStates) ? hiddenStates.alias() : current;
    }
}
