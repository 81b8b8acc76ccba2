using CMLoRA.Engine.Conformance;

namespace CMLoRA.Engine.Tests.Conformance;

public class ConformanceToleranceTests
{
    [Theory]
    [InlineData("outputs.safetensors", "unet_noise_pred_t999", "rel ≤ 1e-04")]
    [InlineData("outputs.safetensors", "lora_clip_last_hidden_state", "rel ≤ 1e-04")]
    [InlineData("sampling_ddim_leading.safetensors", "prompt_embeds", "rel ≤ 1e-04")]
    [InlineData("sampling_ddim_leading.safetensors", "negative_prompt_embeds", "rel ≤ 1e-04")]
    [InlineData("sampling_ddim_leading.safetensors", "timesteps", "rel ≤ 1e-06")]
    [InlineData("sampling_ddim_leading.safetensors", "sigmas", "rel ≤ 1e-06")]
    [InlineData("sampling_ddim_leading.safetensors", "alphas_cumprod", "rel ≤ 1e-06")]
    [InlineData("sampling_ddim_leading.safetensors", "init_noise_sigma", "rel ≤ 1e-06")]
    [InlineData("sampling_ddim_leading.safetensors", "init_noise", "rel ≤ 1e-06")]
    [InlineData("sampling_ddim_leading.safetensors", "step07_timestep", "rel ≤ 1e-06")]
    [InlineData("sampling_ddim_leading.safetensors", "step07_unet_input", "rel ≤ 1e-03")]
    [InlineData("sampling_ddim_leading.safetensors", "step07_noise_pred_cfg", "rel ≤ 1e-03")]
    [InlineData("sampling_ddim_leading.safetensors", "step09_latents_out", "rel ≤ 1e-03")]
    [InlineData("sampling_ddim_leading.safetensors", "final_latents", "rel ≤ 1e-03")]
    [InlineData("sampling_ddim_leading.safetensors", "decoded_raw", "rel ≤ 1e-03")]
    [InlineData("sampling_ddim_leading.safetensors", "image_0_1", "max abs ≤ 1e-03")]
    public void EachReferenceTensorHasItsStatedTolerance(string file, string tensor, string expected) =>
        Assert.Equal(expected, ConformanceTolerance.For(file, tensor).ToString());

    [Fact]
    public void TheBoundIsInclusiveAndNaNNeverPasses()
    {
        var relative = ConformanceTolerance.Component;
        Assert.True(relative.Accepts(maxAbs: 5, relative: 1e-4));
        Assert.False(relative.Accepts(maxAbs: 0, relative: 1.0001e-4));
        Assert.False(relative.Accepts(maxAbs: 0, relative: double.NaN));
        var image = ConformanceTolerance.Image;
        Assert.True(image.Accepts(maxAbs: 1e-3, relative: 0.5));
        Assert.False(image.Accepts(maxAbs: 2e-3, relative: 0));
    }
}
