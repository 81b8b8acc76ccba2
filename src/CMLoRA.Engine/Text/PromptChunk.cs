namespace CMLoRA.Engine.Text;

/// <summary>
/// One 77-token window for the text encoder: BOS, up to 75 prompt tokens, EOS, then padding; and the emphasis
/// weight of each position (1.0 for BOS, EOS and padding).
/// </summary>
/// <param name="Ids">77 token ids.</param>
/// <param name="Weights">77 weights, position by position.</param>
public sealed record PromptChunk(int[] Ids, float[] Weights)
{
    /// <summary>How many prompt tokens the chunk holds (0–75), not counting BOS, EOS and padding.</summary>
    public int TokenCount { get; init; }
}
