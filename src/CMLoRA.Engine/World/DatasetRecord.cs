namespace CMLoRA.Engine.World;

/// <summary>One line of a dataset's captions.jsonl: the picture's file, caption, render seed and ground-truth labels.</summary>
/// <param name="File">PNG file name relative to the dataset folder.</param>
/// <param name="Caption">The caption written by <see cref="CaptionWriter"/>.</param>
/// <param name="Seed">Render seed: <c>SceneRenderer.Render(spec, Seed)</c> redraws the picture exactly.</param>
/// <param name="Character">Character concept id.</param>
/// <param name="Colour">Character colour name.</param>
/// <param name="Eyes">Whether the character has eyes.</param>
/// <param name="Smile">Whether the character smiles.</param>
/// <param name="Clothing">Clothing concept id or null.</param>
/// <param name="Style">Style concept id or null.</param>
/// <param name="Background">Background concept id.</param>
/// <param name="Object">Object concept id or null.</param>
/// <param name="Concepts">All concept ids shown, in category order.</param>
/// <param name="Triggers">Trigger words of the novel concepts shown.</param>
public sealed record DatasetRecord(
    string File, string Caption, long Seed,
    string Character, string Colour, bool Eyes, bool Smile,
    string? Clothing, string? Style, string Background, string? Object,
    IReadOnlyList<string> Concepts, IReadOnlyList<string> Triggers)
{
    /// <summary>The record of <paramref name="spec"/> rendered with <paramref name="seed"/> into <paramref name="file"/>.</summary>
    public static DatasetRecord From(string file, SceneSpec spec, long seed) => new(
        file, CaptionWriter.Write(spec), seed,
        spec.Character, spec.Colour, spec.Eyes, spec.Smile, spec.Clothing, spec.Style, spec.Background, spec.Object,
        spec.Concepts.Select(c => c.Id).ToArray(),
        spec.Concepts.Where(c => c.IsNovel).Select(c => c.Trigger!).ToArray());

    /// <summary>The spec this record describes.</summary>
    public SceneSpec ToSpec() => new(Character, Colour, Eyes, Smile, Background, Clothing, Style, Object);
}
