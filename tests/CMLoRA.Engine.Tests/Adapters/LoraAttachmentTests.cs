using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Adapters;

/// <summary>The tiny reference LoRA applied at run time reproduces the reference implementation's LoRA outputs.</summary>
public class LoraAttachmentTests
{
    private static string Weights => Path.Combine(RepoPaths.TinyReference, "weights");

    private static double RelativeError(Tensor ours, Tensor reference) =>
        (ours - reference).norm().item<float>() / reference.norm().item<float>();

    [Fact]
    public void RuntimeLoraMatchesTheReferenceUNetAndTextEncoderOutputs()
    {
        using var guard = no_grad();
        using var models = StableDiffusionCheckpoint.Load(Path.Combine(Weights, "diffusers"));
        var unet = models.RequireUnet();
        using var lora = LoraFile.Open(Path.Combine(Weights, "lora", "lora_kohya.safetensors"));
        using var unetAdapters = new LoraAdapterSet(unet);
        using var textAdapters = new LoraAdapterSet(models.TextEncoder);
        int index = LoraAttachment.Attach(lora, unet, unetAdapters, models.TextEncoder, textAdapters);
        Assert.Equal(132, unetAdapters.LayerCount(index));
        Assert.Equal(12, textAdapters.LayerCount(index));

        using var inputs = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "inputs.safetensors"));
        using var outputs = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "outputs.safetensors"));
        unetAdapters.Active = AdapterMix.All(new ActiveAdapter(index, 0.8f));
        textAdapters.Active = AdapterMix.All(new ActiveAdapter(index, 0.8f));

        using var latents = inputs.ReadTensor("unet_latents");
        using var context = inputs.ReadTensor("unet_encoder_hidden_states");
        using var prediction = unet.call(latents, tensor(999f), context);
        using var expectedUnet = outputs.ReadTensor("lora_unet_noise_pred_t999");
        double unetError = RelativeError(prediction, expectedUnet);
        Assert.True(unetError < 1e-4, $"UNet with LoRA: relative error {unetError}");

        using var ids = inputs.ReadTensor("clip_input_ids", ScalarType.Int64);
        using var hidden = models.TextEncoder.call(ids);
        using var expectedText = outputs.ReadTensor("lora_clip_last_hidden_state");
        double textError = RelativeError(hidden, expectedText);
        Assert.True(textError < 1e-4, $"text encoder with LoRA: relative error {textError}");
    }

    [Fact]
    public void MergedLoraEqualsTheReferenceMergedWeights()
    {
        using var guard = no_grad();
        using var models = StableDiffusionCheckpoint.Load(Path.Combine(Weights, "diffusers"));
        var unet = models.RequireUnet();
        using var lora = LoraFile.Open(Path.Combine(Weights, "lora", "lora_kohya.safetensors"));
        using var unetAdapters = new LoraAdapterSet(unet);
        int index = LoraAttachment.Attach(lora, unet, unetAdapters);
        unetAdapters.Merge([new ActiveAdapter(index, 0.8f)]);
        using var merged = SafetensorsFile.Open(Path.Combine(Weights, "lora", "merged_unet.safetensors"));
        double worst = 0;
        foreach (var (name, parameter) in unet.named_parameters())
        {
            using var expected = merged.ReadTensor(name);
            worst = Math.Max(worst, (parameter - expected).abs().max().item<float>());
        }
        Assert.True(worst < 1e-6, $"largest difference from the reference merged weights: {worst}");
    }

    [Fact]
    public void TextEncoderModulesAreSkippedWhenNoTextEncoderIsGiven()
    {
        using var models = StableDiffusionCheckpoint.Load(Path.Combine(Weights, "diffusers"), new StableDiffusionLoadOptions { VaeFactory = null });
        using var lora = LoraFile.Open(Path.Combine(Weights, "lora", "lora_kohya.safetensors"));
        using var unetAdapters = new LoraAdapterSet(models.RequireUnet());
        int index = LoraAttachment.Attach(lora, models.RequireUnet(), unetAdapters);
        Assert.Equal(132, unetAdapters.LayerCount(index));
    }
}
