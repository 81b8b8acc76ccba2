namespace CMLoRA.Engine.Text;

/// <summary>A prompt parsed by <see cref="PromptParser"/>: its fragments in order, each with its weight.</summary>
/// <param name="Fragments">Never empty; the empty prompt is one empty fragment of weight 1.</param>
public sealed record WeightedPrompt(IReadOnlyList<PromptFragment> Fragments)
{
    /// <summary>The text without emphasis syntax (fragments joined; BREAK markers as spaces).</summary>
    public string PlainText => string.Concat(Fragments.Select(f => f.IsBreak ? " " : f.Text));

    public override string ToString() => string.Join(", ", Fragments);
}
