namespace CMLoRA.Engine.Tests.Models;

/// <summary>Reads the SD 1.5 key/shape manifests (<c>name TAB comma-separated shape</c>) as a set of lines.</summary>
public static class ManifestFile
{
    public static HashSet<string> Read(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);

    public static string Line(string name, long[] shape) => $"{name}\t{string.Join(",", shape)}";
}
