namespace CMLoRA.Engine.Text;

/// <summary>
/// A piece of prompt text with the emphasis weight every token of it gets, or a <c>BREAK</c> marker
/// (<see cref="IsBreak"/>, empty text) that starts a new 75-token chunk.
/// </summary>
/// <param name="Text">The literal text, brackets and escapes already resolved.</param>
/// <param name="Weight">The product of all emphasis around the text: 1.1 per <c>( )</c>, 1/1.1 per <c>[ ]</c>, or the explicit <c>(text:w)</c>.</param>
/// <param name="IsBreak">True for the <c>BREAK</c> keyword.</param>
public sealed record PromptFragment(string Text, float Weight, bool IsBreak = false)
{
    /// <summary>The <c>BREAK</c> marker.</summary>
    public static PromptFragment Break { get; } = new(string.Empty, 1f, IsBreak: true);

    public override string ToString() => IsBreak ? "BREAK" : $"\"{Text}\" × {Weight:0.####}";
}
