namespace CMLoRA.Engine.Lora;

/// <summary>A LoRA file that cannot be used; the message names the file, the keys and the reason.</summary>
public sealed class LoraFormatException : Exception
{
    public LoraFormatException(LoraErrorKind kind, string message, IReadOnlyList<string>? keys = null) : base(message)
    {
        Kind = kind;
        Keys = keys ?? [];
    }

    /// <summary>The reason class, for callers that map errors (the CLI exits with code 2 for all of them).</summary>
    public LoraErrorKind Kind { get; }

    /// <summary>The offending tensor or module keys, in file order (all of them, even when the message shows a few).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Formats up to <paramref name="max"/> keys as <c>'a', 'b' and 3 more</c>.</summary>
    internal static string ListKeys(IReadOnlyList<string> keys, int max = 8)
    {
        string shown = string.Join(", ", keys.Take(max).Select(k => $"'{k}'"));
        return keys.Count > max ? $"{shown} and {keys.Count - max} more" : shown;
    }
}
