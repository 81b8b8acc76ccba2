using System.Text.Json;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// settings.json of an output folder: the parameters every image of results.jsonl shares. A rerun with other values
/// would mix incomparable images, so it is refused.
/// </summary>
/// <param name="Model">Full path of the model.</param>
/// <param name="Steps">Denoising steps.</param>
/// <param name="GuidanceScale">CFG scale.</param>
/// <param name="Sampler">Sampler name.</param>
/// <param name="LoraWeight">Weight of every LoRA.</param>
public sealed record QualityRunSettings(string Model, int Steps, double GuidanceScale, string Sampler, float LoraWeight)
{
    /// <summary>File name inside the output folder.</summary>
    public const string FileName = "settings.json";

    /// <summary>The settings of <paramref name="options"/>.</summary>
    public static QualityRunSettings From(QualityBenchmarkOptions options) =>
        new(Path.GetFullPath(options.ModelPath), options.Steps, options.GuidanceScale, options.Sampler, options.LoraWeight);

    /// <summary>Writes the settings into a new folder, or checks that an existing folder was made with the same ones.</summary>
    public void ClaimFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName);
        if (File.Exists(path))
        {
            var existing = JsonSerializer.Deserialize<QualityRunSettings>(File.ReadAllText(path), QualityResultsFile.Json)
                           ?? throw new InvalidDataException($"{path} is empty");
            if (existing != this)
                throw new ArgumentException(
                    $"{folder} holds results made with other settings ({Describe(existing)}; now {Describe(this)}); use another --out or delete it");
            return;
        }
        File.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions(QualityResultsFile.Json) { WriteIndented = true }));
    }

    private static string Describe(QualityRunSettings s) =>
        FormattableString.Invariant($"model {s.Model}, {s.Steps} steps, CFG {s.GuidanceScale}, {s.Sampler}, weight {s.LoraWeight}");
}
