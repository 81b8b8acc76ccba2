using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// A folder of training pictures with captions: either a <c>captions.jsonl</c> (one object per line with
/// <c>file</c> and <c>caption</c>, as <c>cmlora world render</c> writes) or pictures with a same-named <c>.txt</c>
/// caption beside each (kohya's layout). Pictures are center-cropped to a square and resized to the model's size.
/// </summary>
public static class CaptionedImages
{
    private static readonly string[] PictureExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp"];

    /// <summary>The (picture path, caption) pairs of <paramref name="folder"/>, in file order.</summary>
    public static IReadOnlyList<(string Path, string Caption)> List(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"training folder not found: '{folder}'");
        string jsonl = Path.Combine(folder, World.DatasetWriter.CaptionsFile);
        var items = new List<(string, string)>();
        if (File.Exists(jsonl))
        {
            int line = 0;
            foreach (string text in File.ReadLines(jsonl))
            {
                line++;
                if (text.Trim().Length == 0) continue;
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (!root.TryGetProperty("file", out var file) || !root.TryGetProperty("caption", out var caption)
                    || file.ValueKind != JsonValueKind.String || caption.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{jsonl} line {line}: expected an object with \"file\" and \"caption\" strings");
                items.Add((Path.Combine(folder, file.GetString()!), caption.GetString()!));
            }
        }
        else
        {
            foreach (string picture in Directory.GetFiles(folder).Where(IsPicture).Order(StringComparer.Ordinal))
            {
                string captionFile = Path.ChangeExtension(picture, ".txt");
                if (!File.Exists(captionFile))
                    throw new InvalidDataException($"'{picture}' has no caption: add {Path.GetFileName(captionFile)} or a {World.DatasetWriter.CaptionsFile}");
                items.Add((picture, File.ReadAllText(captionFile).Trim()));
            }
        }
        if (items.Count == 0) throw new InvalidDataException($"'{folder}' holds no captioned pictures");
        return items;
    }

    /// <summary>Loads pictures as one float32 tensor [N, 3, size, size] in [-1, 1].</summary>
    public static Tensor Load(IEnumerable<string> paths, int size)
    {
        var list = paths.ToList();
        int plane = 3 * size * size;
        var data = new float[list.Count * plane];
        for (int n = 0; n < list.Count; n++)
        {
            using var image = Image.Load<Rgb24>(list[n]);
            int side = Math.Min(image.Width, image.Height);
            image.Mutate(x => x.Crop(new Rectangle((image.Width - side) / 2, (image.Height - side) / 2, side, side)));
            if (side != size) image.Mutate(x => x.Resize(size, size, KnownResamplers.Bicubic));
            int offset = n * plane;
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < size; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < size; x++)
                    {
                        int i = y * size + x;
                        data[offset + i] = row[x].R / 127.5f - 1f;
                        data[offset + size * size + i] = row[x].G / 127.5f - 1f;
                        data[offset + 2 * size * size + i] = row[x].B / 127.5f - 1f;
                    }
                }
            });
        }
        return tensor(data, new long[] { list.Count, 3, size, size });
    }

    private static bool IsPicture(string path) => PictureExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
}
