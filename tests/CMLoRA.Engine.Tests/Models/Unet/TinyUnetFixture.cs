using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Models.Unet;

/// <summary>The tiny reference UNet loaded once from its diffusers folder, with the reference inputs and outputs.</summary>
public sealed class TinyUnetFixture : IDisposable
{
    public static string UnetFolder => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", "unet");

    public UNet2DConditionModel Unet { get; } = UNet2DConditionModel.FromDiffusersFolder(UnetFolder);

    public SafetensorsFile Inputs { get; } = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "inputs.safetensors"));

    public SafetensorsFile Outputs { get; } = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "outputs.safetensors"));

    public SafetensorsFile OutputsF64 { get; } = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "outputs_f64.safetensors"));

    public void Dispose()
    {
        Unet.Dispose();
        Inputs.Dispose();
        Outputs.Dispose();
        OutputsF64.Dispose();
    }
}
