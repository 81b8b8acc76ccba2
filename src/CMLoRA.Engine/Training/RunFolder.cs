using System.Globalization;
using System.Text.Json;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The folder of one training run: its options (<c>run.json</c>), checkpoints (<c>checkpoints/step-NNNNNNN/</c>, the
/// newest complete one wins), the loss history (<c>losses.csv</c>) and its plot (<c>loss.svg</c>), plus whatever the
/// trainer keeps there (tokenizer, latents, VAE).
/// </summary>
public sealed class RunFolder
{
    private const string CheckpointPrefix = "step-";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Opens (and creates) the run folder at <paramref name="path"/>.</summary>
    public RunFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Where checkpoints are kept.</summary>
    public string CheckpointsPath => File("checkpoints");

    /// <summary>The per-step loss history.</summary>
    public string LossesPath => File("losses.csv");

    /// <summary>The loss plot.</summary>
    public string PlotPath => File("loss.svg");

    /// <summary>The run's options, written when the run starts.</summary>
    public string OptionsPath => File("run.json");

    /// <summary>A path inside the run folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The newest checkpoint whose <c>state.json</c> was written (a checkpoint is complete once it is), or null.</summary>
    public (long Step, string Folder)? LatestCheckpoint() =>
        Checkpoints().OrderByDescending(c => c.Step).Select(c => ((long, string)?)c).FirstOrDefault();

    /// <summary>All complete checkpoints, in no particular order.</summary>
    public IEnumerable<(long Step, string Folder)> Checkpoints()
    {
        if (!Directory.Exists(CheckpointsPath)) yield break;
        foreach (string folder in Directory.GetDirectories(CheckpointsPath, CheckpointPrefix + "*"))
        {
            string name = System.IO.Path.GetFileName(folder);
            if (long.TryParse(name[CheckpointPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long step)
                && System.IO.File.Exists(System.IO.Path.Combine(folder, TrainingCheckpoint.StateFileName)))
                yield return (step, folder);
        }
    }

    /// <summary>The folder a checkpoint after <paramref name="step"/> completed steps is written to.</summary>
    public string CheckpointFolder(long step) =>
        System.IO.Path.Combine(CheckpointsPath, CheckpointPrefix + step.ToString("D7", CultureInfo.InvariantCulture));

    /// <summary>Writes <paramref name="value"/> as indented snake_case JSON to <paramref name="name"/> in the run folder.</summary>
    public void WriteJson<T>(string name, T value) => WriteJsonFile(File(name), value);

    /// <summary>Reads the JSON file <paramref name="name"/> of the run folder.</summary>
    public T ReadJson<T>(string name) => ReadJsonFile<T>(File(name));

    internal static void WriteJsonFile<T>(string path, T value)
    {
        System.IO.File.WriteAllText(path + ".partial", JsonSerializer.Serialize(value, Json));
        System.IO.File.Move(path + ".partial", path, overwrite: true);
    }

    internal static T ReadJsonFile<T>(string path) =>
        JsonSerializer.Deserialize<T>(System.IO.File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds null instead of an object");
}
