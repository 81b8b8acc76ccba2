using System.Text.Json;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// results.jsonl: one <see cref="QualityRecord"/> per finished image, appended and flushed as each image is done, so a
/// stopped run loses at most the image in flight and a rerun skips everything listed.
/// </summary>
public static class QualityResultsFile
{
    /// <summary>File name inside the output folder.</summary>
    public const string FileName = "results.jsonl";

    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// The records of <paramref name="path"/> (none when it does not exist). A line that does not parse — the last
    /// one of a run killed mid-write — is skipped, so that image is simply generated again.
    /// </summary>
    public static IReadOnlyList<QualityRecord> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var records = new List<QualityRecord>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                if (JsonSerializer.Deserialize<QualityRecord>(line, Json) is { } record) records.Add(record);
            }
            catch (JsonException)
            {
                // An interrupted write; the image is redone.
            }
        }
        return records;
    }

    /// <summary>Appends one record as a line and flushes it to disk.</summary>
    public static void Append(string path, QualityRecord record)
    {
        // A killed run can leave a partial last line without its newline; start on a fresh line so this record parses.
        bool needsNewline = File.Exists(path) && new FileInfo(path).Length > 0 && LastByte(path) != (byte)'\n';
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream);
        if (needsNewline) writer.Write('\n');
        writer.Write(JsonSerializer.Serialize(record, Json));
        writer.Write('\n');
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    private static int LastByte(string path)
    {
        using var stream = File.OpenRead(path);
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte();
    }
}
