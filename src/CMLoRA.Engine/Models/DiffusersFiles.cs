namespace CMLoRA.Engine.Models;

/// <summary>File names inside a diffusers component folder (<c>unet/</c>, <c>vae/</c>).</summary>
public static class DiffusersFiles
{
    /// <summary>The component's weights: <c>diffusion_pytorch_model.safetensors</c>, else its <c>.fp16</c> variant.</summary>
    public static string Weights(string componentFolder)
    {
        foreach (var name in new[] { "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors" })
        {
            string path = Path.Combine(componentFolder, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"no diffusion_pytorch_model.safetensors (or .fp16.safetensors) in {componentFolder}; .bin weights are not loaded");
    }
}
