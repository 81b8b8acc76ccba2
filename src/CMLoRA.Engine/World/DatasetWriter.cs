using System.Text.Json;
using CMLoRA.Engine.World.Rendering;

namespace CMLoRA.Engine.World;

/// <summary>
/// Writes a rendered dataset: numbered PNGs, captions.jsonl (one <see cref="DatasetRecord"/> per line) and
/// contact-sheet.png with the first 64 pictures. Item i depends only on (seed, i), so a larger count extends a
/// smaller dataset with the same seed.
/// </summary>
public static class DatasetWriter
{
    /// <summary>File name of the captions and labels, one JSON object per line.</summary>
    public const string CaptionsFile = "captions.jsonl";

    /// <summary>File name of the preview grid.</summary>
    public const string ContactSheetFile = "contact-sheet.png";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Renders <paramref name="count"/> scenes into <paramref name="directory"/>: base scenes when
    /// <paramref name="novel"/> is null, otherwise scenes each holding exactly that novel concept.
    /// </summary>
    public static IReadOnlyList<DatasetRecord> Write(string directory, int count, long seed, Concept? novel = null,
        Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Directory.CreateDirectory(directory);
        var records = new List<DatasetRecord>(count);
        var preview = new List<float[]>();
        using var captions = new StreamWriter(Path.Combine(directory, CaptionsFile), append: false);
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (spec, renderSeed) = Item(seed, i, novel);
            var pixels = SceneRenderer.Render(spec, renderSeed);
            string file = $"{i:D5}.png";
            SheetImage.SaveRender(pixels, SceneRenderer.ImageSize, Path.Combine(directory, file));
            var record = DatasetRecord.From(file, spec, renderSeed);
            captions.WriteLine(JsonSerializer.Serialize(record, Json));
            records.Add(record);
            if (preview.Count < 64) preview.Add(pixels);
            progress?.Invoke(i + 1);
        }
        ContactSheet.WriteGrid(preview, Path.Combine(directory, ContactSheetFile), columns: 8, scale: 2);
        return records;
    }

    /// <summary>The spec and render seed of item <paramref name="index"/> of the dataset named by <paramref name="seed"/>.</summary>
    public static (SceneSpec Spec, long RenderSeed) Item(long seed, int index, Concept? novel = null)
    {
        var sampler = new SceneSampler(WorldRandom.Derive(seed, 2L * index));
        var spec = novel is null ? sampler.NextBase() : sampler.NextWith(novel);
        return (spec, WorldRandom.Derive(seed, 2L * index + 1));
    }

    /// <summary>Reads a captions.jsonl written by <see cref="Write"/>.</summary>
    public static IReadOnlyList<DatasetRecord> ReadCaptions(string directory) =>
        File.ReadLines(Path.Combine(directory, CaptionsFile))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<DatasetRecord>(line, Json) ?? throw new InvalidDataException("Empty captions line."))
            .ToArray();
}
