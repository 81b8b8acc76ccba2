using CMLoRA.Engine.Models.Blocks;

namespace CMLoRA.Engine.Models.Unet;

/// <summary>The per-block settings of a UNet block's <see cref="Transformer2DModel"/>s, resolved from the config.</summary>
internal sealed record TransformerSettings(long Heads, long ContextDim, int Layers, long Groups,
    bool UseLinearProjection, bool OnlyCrossAttention, bool UpcastAttention)
{
    public Transformer2DModel Build(long channels, LayerFactory factory) =>
        new(channels, Heads, ContextDim, Layers, Groups, UseLinearProjection, OnlyCrossAttention, UpcastAttention, factory);
}
