namespace CMLoRA.Engine.Text;

/// <summary>The result of <see cref="LoraTagParser.Extract"/>.</summary>
/// <param name="Prompt">The prompt with the LoRA tags removed (the text around them untouched).</param>
/// <param name="Loras">The tags in the order they appeared; a LoRA named twice appears twice.</param>
public sealed record LoraTagExtraction(string Prompt, IReadOnlyList<LoraTag> Loras);
