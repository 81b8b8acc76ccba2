namespace CMLoRA.Engine.Loading;

/// <summary>One component entry of <c>model_index.json</c>: <c>"unet": ["diffusers", "UNet2DConditionModel"]</c>.</summary>
/// <param name="Name">The entry and folder name (<c>unet</c>, <c>vae</c>, <c>text_encoder</c>, <c>tokenizer</c>, <c>scheduler</c>, …).</param>
/// <param name="Library">The library that defines the class (<c>diffusers</c>, <c>transformers</c>).</param>
/// <param name="ClassName">The class name (<c>UNet2DConditionModel</c>, <c>CLIPTextModel</c>, <c>PNDMScheduler</c>, …).</param>
public sealed record DiffusersComponentInfo(string Name, string Library, string ClassName);
