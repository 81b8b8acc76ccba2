namespace CMLoRA.Engine.Text;

/// <summary>
/// Turns a (weighted) prompt into 77-token chunks as AUTOMATIC1111 does, so prompts longer than 75 tokens keep
/// all their tokens. See docs/prompt-syntax.md.
/// </summary>
/// <remarks>
/// Each fragment of <see cref="PromptParser"/> is tokenized on its own and every token takes the fragment's
/// weight. Tokens fill chunks of 75; a chunk is cut when it is full (a hard split, the default) or at
/// <c>BREAK</c>. Each chunk is BOS + its tokens + EOS + padding to 77 (with the tokenizer's pad id, EOS for
/// SD 1.x, which is exactly the reference layout), weights 1.0 outside the prompt tokens. An empty prompt gives one
/// chunk of padding; <c>BREAK</c> with nothing before it gives an empty chunk, as in the reference.
/// Optional: <c>commaBacktrack</c> &gt; 0 enables the reference's "comma padding backtrack": when a chunk is full
/// and its last comma is at most that many tokens back, the tokens after the comma move to the next chunk
/// (the reference's default setting is 20).
/// </remarks>
public sealed class PromptChunker
{
    /// <summary>Prompt tokens per chunk: the encoder's 77 positions less BOS and EOS.</summary>
    public const int ChunkTokens = 75;

    private readonly ClipTokenizer _tokenizer;
    private readonly int _commaBacktrack;
    private readonly int _commaId;

    /// <param name="tokenizer">The tokenizer of the text encoder.</param>
    /// <param name="commaBacktrack">0 for a hard split at 75 tokens; n &gt; 0 to cut after a comma within the last n tokens.</param>
    public PromptChunker(ClipTokenizer tokenizer, int commaBacktrack = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegative(commaBacktrack);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(commaBacktrack, ChunkTokens);
        _tokenizer = tokenizer;
        _commaBacktrack = commaBacktrack;
        _commaId = tokenizer.TokenId(",</w>") ?? -1;
    }

    /// <summary>Parses the emphasis syntax of <paramref name="prompt"/> and chunks it.</summary>
    public TokenizedPrompt Tokenize(string prompt) => Tokenize(PromptParser.Parse(prompt));

    /// <summary>Chunks an already parsed prompt.</summary>
    public TokenizedPrompt Tokenize(WeightedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var chunks = new List<PromptChunk>();
        var ids = new List<int>(ChunkTokens);
        var weights = new List<float>(ChunkTokens);
        int lastComma = -1;

        void CloseChunk()
        {
            chunks.Add(BuildChunk(ids, weights));
            ids.Clear();
            weights.Clear();
            lastComma = -1;
        }

        foreach (PromptFragment fragment in prompt.Fragments)
        {
            if (fragment.IsBreak)
            {
                CloseChunk();
                continue;
            }
            foreach (int id in _tokenizer.Encode(fragment.Text))
            {
                if (id == _commaId)
                {
                    lastComma = ids.Count;
                }
                else if (_commaBacktrack > 0 && ids.Count == ChunkTokens && lastComma >= 0
                         && ids.Count - lastComma <= _commaBacktrack)
                {
                    // Move what follows the last comma into the next chunk.
                    int cut = lastComma + 1;
                    int[] movedIds = ids.Skip(cut).ToArray();
                    float[] movedWeights = weights.Skip(cut).ToArray();
                    ids.RemoveRange(cut, ids.Count - cut);
                    weights.RemoveRange(cut, weights.Count - cut);
                    CloseChunk();
                    ids.AddRange(movedIds);
                    weights.AddRange(movedWeights);
                }
                if (ids.Count == ChunkTokens) CloseChunk();
                ids.Add(id);
                weights.Add(fragment.Weight);
            }
        }
        if (ids.Count > 0 || chunks.Count == 0) CloseChunk();
        return new TokenizedPrompt(chunks);
    }

    private PromptChunk BuildChunk(List<int> ids, List<float> weights)
    {
        var chunkIds = new int[ClipTokenizer.DefaultMaxLength];
        var chunkWeights = new float[ClipTokenizer.DefaultMaxLength];
        Array.Fill(chunkWeights, 1f);
        chunkIds[0] = _tokenizer.BosId;
        ids.CopyTo(chunkIds, 1);
        weights.CopyTo(chunkWeights, 1);
        chunkIds[ids.Count + 1] = _tokenizer.EosId;
        Array.Fill(chunkIds, _tokenizer.PadId, ids.Count + 2, ClipTokenizer.DefaultMaxLength - ids.Count - 2);
        return new PromptChunk(chunkIds, chunkWeights) { TokenCount = ids.Count };
    }
}
