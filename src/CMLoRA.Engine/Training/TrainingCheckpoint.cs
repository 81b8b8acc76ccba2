using System.Globalization;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Saves and restores everything a run needs to continue exactly: the trained modules (<c>model.safetensors</c>, keys
/// <c>{prefix}.{state-dict name}</c>), the AdamW moments and step counts (<c>optimizer.safetensors</c>) and the
/// <see cref="CheckpointState"/> (<c>state.json</c>, written last so a checkpoint without it is incomplete and ignored).
/// </summary>
public static class TrainingCheckpoint
{
    public const string StateFileName = "state.json";
    public const string ModelFileName = "model.safetensors";
    public const string OptimizerFileName = "optimizer.safetensors";

    /// <summary>Writes a checkpoint after <paramref name="state"/>.Step steps and keeps only the newest <paramref name="keep"/>.</summary>
    public static string Save(RunFolder run, CheckpointState state, IReadOnlyList<(string Prefix, nn.Module Module)> modules,
        AdamWOptimizer optimizer, int keep = 2)
    {
        string folder = run.CheckpointFolder(state.Step);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);

        var tensors = modules.SelectMany(m => m.Module.state_dict().Select(p => KeyValuePair.Create($"{m.Prefix}.{p.Key}", p.Value)));
        SafetensorsWriter.Write(Path.Combine(folder, ModelFileName), tensors);

        var states = optimizer.States;
        var moments = new List<KeyValuePair<string, Tensor>>();
        for (int i = 0; i < states.Count; i++)
        {
            moments.Add(KeyValuePair.Create($"state.{i}.exp_avg", states[i].ExpAvg));
            moments.Add(KeyValuePair.Create($"state.{i}.exp_avg_sq", states[i].ExpAvgSq));
        }
        var metadata = new Dictionary<string, string>
        {
            ["steps"] = string.Join(",", states.Select(s => s.Step.ToString(CultureInfo.InvariantCulture))),
        };
        SafetensorsWriter.Write(Path.Combine(folder, OptimizerFileName), moments, metadata);
        RunFolder.WriteJsonFile(Path.Combine(folder, StateFileName), state);

        foreach (var (_, old) in run.Checkpoints().OrderByDescending(c => c.Step).Skip(keep))
            Directory.Delete(old, recursive: true);
        return folder;
    }

    /// <summary>Reads a checkpoint's <c>state.json</c>.</summary>
    public static CheckpointState ReadState(string folder) => RunFolder.ReadJsonFile<CheckpointState>(Path.Combine(folder, StateFileName));

    /// <summary>Fills <paramref name="modules"/> (exactly; every tensor checked) from a checkpoint folder.</summary>
    public static void LoadModules(string folder, IReadOnlyList<(string Prefix, nn.Module Module)> modules)
    {
        using var file = SafetensorsFile.Open(Path.Combine(folder, ModelFileName));
        foreach (var (prefix, module) in modules)
        {
            string start = prefix + ".";
            var bindings = file.Names.Where(n => n.StartsWith(start, StringComparison.Ordinal))
                .Select(n => new WeightBinding(n[start.Length..], file, n));
            ParameterLoader.Load(module, bindings, prefix);
        }
    }

    /// <summary>Restores the AdamW moments and step counts of <paramref name="optimizer"/> from a checkpoint folder.</summary>
    public static void LoadOptimizer(string folder, AdamWOptimizer optimizer)
    {
        using var file = SafetensorsFile.Open(Path.Combine(folder, OptimizerFileName));
        var states = optimizer.States;
        string[] steps = file.Metadata.TryGetValue("steps", out var text) ? text.Split(',') : [];
        if (steps.Length != states.Count)
            throw new InvalidDataException($"{folder}: the optimizer checkpoint has {steps.Length} parameter states but the optimizer has {states.Count}");
        using (no_grad())
        {
            for (int i = 0; i < states.Count; i++)
            {
                file.ReadInto($"state.{i}.exp_avg", states[i].ExpAvg);
                file.ReadInto($"state.{i}.exp_avg_sq", states[i].ExpAvgSq);
                states[i].Step = long.Parse(steps[i], CultureInfo.InvariantCulture);
            }
        }
    }
}
