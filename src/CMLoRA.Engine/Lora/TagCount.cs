namespace CMLoRA.Engine.Lora;

/// <summary>How many training captions used a tag (merged over every dataset folder of <c>ss_tag_frequency</c>).</summary>
public sealed record TagCount(string Tag, int Count);
