namespace CMLoRA.Engine.Recipes;

/// <summary>A piece of imported infotext the recipe could not take over, and what was used instead.</summary>
/// <param name="Key">The infotext key ("Sampler", "Hires upscale", …), or a description for things without one.</param>
/// <param name="Value">The value as written.</param>
/// <param name="Reason">Why it was not mapped and what the recipe holds instead.</param>
public sealed record UnmappedField(string Key, string Value, string Reason);
