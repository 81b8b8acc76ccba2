using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Loading;

/// <summary>Reads the SD 1.5 key/shape manifests of tests/fixtures/sd15 (see its README).</summary>
internal static class Sd15Manifest
{
    public sealed record MapRow(string Component, string DiffusersKey, string LdmKey, long[] DiffusersShape, long[] LdmShape);

    /// <summary><c>name&lt;TAB&gt;shape</c> lines as a dictionary.</summary>
    public static Dictionary<string, long[]> Shapes(string fileName) =>
        File.ReadLines(Path.Combine(RepoPaths.Sd15Manifests, fileName))
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .ToDictionary(parts => parts[0], parts => ParseShape(parts[1]), StringComparer.Ordinal);

    public static List<MapRow> Map() =>
        File.ReadLines(Path.Combine(RepoPaths.Sd15Manifests, "diffusers_to_ldm_map.tsv"))
            .Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(p => new MapRow(p[0], p[1], p[2], ParseShape(p[3]), ParseShape(p[4])))
            .ToList();

    public static long[] ParseShape(string text) =>
        text.Length == 0 ? [] : text.Split(',').Select(long.Parse).ToArray();

    public static string Text(long[] shape) => "[" + string.Join(",", shape) + "]";
}
