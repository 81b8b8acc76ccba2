namespace CMLoRA.Web.Library;

/// <summary>Comma- or line-separated word lists (trigger words, tags) as users type them and A1111 stores them.</summary>
public static class WordLists
{
    public static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(w => w.Length > 0);
}
