using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Text;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Generation;

/// <summary>
/// Prompt text → conditioning, A1111 style (docs/prompt-syntax.md): emphasis weights, 75-token chunks each
/// encoded as BOS + 75 + EOS, weighted with the mean restored, concatenated along the sequence; the shorter of
/// prompt and negative prompt is padded with empty-prompt chunks so both fit one guidance batch.
/// </summary>
public sealed class PromptEncoder(ClipTokenizer tokenizer, CLIPTextModel textEncoder)
{
    private readonly PromptChunker _chunker = new(tokenizer);

    /// <summary>Encodes both prompts to [1, 77·n, D] tensors of equal length.</summary>
    public (Tensor Prompt, Tensor Negative) EncodePair(string prompt, string negative, int clipSkip)
    {
        using var scope = NewDisposeScope();
        var positive = EncodeChunks(prompt, clipSkip);
        var unconditional = EncodeChunks(negative, clipSkip);
        if (positive.Count != unconditional.Count)
        {
            var empty = EncodeChunks("", clipSkip)[0];
            while (positive.Count < unconditional.Count) positive.Add(empty);
            while (unconditional.Count < positive.Count) unconditional.Add(empty);
        }
        return (cat(positive, 1).MoveToOuterDisposeScope(), cat(unconditional, 1).MoveToOuterDisposeScope());
    }

    private List<Tensor> EncodeChunks(string text, int clipSkip)
    {
        var chunks = _chunker.Tokenize(text).Chunks;
        var device = textEncoder.parameters().First().device;
        var encoded = new List<Tensor>(chunks.Count);
        int vocabulary = textEncoder.Config.VocabSize;
        foreach (var chunk in chunks)
        {
            int outside = chunk.Ids.FirstOrDefault(id => id >= vocabulary, -1);
            if (outside >= 0)
                throw new InvalidOperationException(
                    $"token id {outside} is outside the text encoder's vocabulary of {vocabulary}: the tokenizer does not belong to this model");
            var ids = tensor(chunk.Ids.Select(i => (long)i).ToArray(), [1, chunk.Ids.Length], ScalarType.Int64, device);
            var hidden = textEncoder.EncodePrompt(ids, clipSkip);
            encoded.Add(chunk.Weights.All(w => w == 1f) ? hidden : PromptWeighting.Apply(hidden, chunk.Weights));
        }
        return encoded;
    }
}
