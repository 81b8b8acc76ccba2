using CMLoRA.Engine.Tensors;

namespace CMLoRA.Web.Library;

/// <summary>
/// Checks an uploaded file's name and turns it into a display name. Names never become paths (files are stored by
/// content hash), but a name with folders in it is refused so nobody mistakes it for one.
/// </summary>
public static class LoraFileNames
{
    public const int MaxDisplayLength = 200;

    /// <summary>The reason the name is refused, or null when it is acceptable.</summary>
    public static string? Problem(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)) return "the upload has no file name";
        if (fileName.IndexOfAny(['/', '\\']) >= 0 || fileName.Contains("..", StringComparison.Ordinal))
            return $"the file name '{Printable(fileName)}' contains a path (/, \\ or ..); send the file under its plain name";
        if (fileName.Any(char.IsControl)) return "the file name contains control characters";
        if (PickleDetector.HasPickleExtension(fileName))
            return $"'{Printable(fileName)}' is refused: {PickleDetector.Explanation}";
        if (!fileName.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            return $"'{Printable(fileName)}' is not a .safetensors file; the library accepts only .safetensors LoRAs";
        return null;
    }

    /// <summary>The name shown in the library: the file's stem with runs of whitespace collapsed, at most 200 characters.</summary>
    public static string DisplayName(string fileName)
    {
        string stem = fileName.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? fileName[..^".safetensors".Length] : fileName;
        string clean = string.Join(' ', stem.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        clean = new string(clean.Where(c => !char.IsControl(c)).ToArray());
        if (clean.Length == 0) clean = "LoRA";
        return clean.Length > MaxDisplayLength ? clean[..MaxDisplayLength] : clean;
    }

    public static string Printable(string text) =>
        new string(text.Select(c => char.IsControl(c) ? '?' : c).Take(120).ToArray());
}
