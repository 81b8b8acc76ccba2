namespace CMLoRA.Engine.Lora;

/// <summary>A LoRA module paired with the model layer it patches.</summary>
public sealed record ResolvedModule(LoraModuleWeights Lora, LoraTarget Target);
