namespace CMLoRA.Engine.Text;

/// <summary>
/// A prompt cut into 77-token chunks by <see cref="PromptChunker"/>. The text encoder encodes each chunk
/// separately, concatenates the hidden states along the sequence (77·n positions), and applies the weights
/// with <see cref="PromptWeighting.Apply"/>.
/// </summary>
/// <param name="Chunks">At least one chunk.</param>
public sealed record TokenizedPrompt(IReadOnlyList<PromptChunk> Chunks)
{
    /// <summary>All prompt tokens, not counting BOS, EOS and padding (what a "42/75" counter shows).</summary>
    public int TokenCount => Chunks.Sum(c => c.TokenCount);
}
