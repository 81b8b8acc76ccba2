using System.Diagnostics;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// Checks this engine against a reference directory (<c>tests/fixtures/reference/tiny_sdlike</c> or any directory of
/// the same structure, other shapes and seeds included): loads every checkpoint layout present, computes each
/// component output named in <c>outputs.safetensors</c> from <c>inputs.safetensors</c> with each layout, replays each
/// <c>sampling_&lt;run&gt;</c> through the text-to-image pipeline, and compares every tensor under its
/// <see cref="ConformanceTolerance"/>. Writes <c>outputs.safetensors</c> (from the first layout, diffusers when
/// present) and <c>sampling_&lt;run&gt;.safetensors</c> with the reference's tensor names. CPU, float32.
/// </summary>
/// <remarks>
/// What to compute is read off the reference's tensor names; names this engine does not know, and runs it cannot
/// reproduce, are reported as <see cref="ConformanceStatus.NotComputed"/>, not as failures. Set the libtorch thread
/// count before calling (results move by ≈ 6e-6 with it).
/// </remarks>
public static class ConformanceRunner
{
    /// <summary>
    /// Runs everything <paramref name="options"/>' reference directory holds and writes our tensors; reports each
    /// unit of work to <paramref name="progress"/> before it starts. Runs synchronously on the calling thread.
    /// </summary>
    /// <exception cref="ConformanceInputException">the reference directory is missing or incomplete, or the output directory is it.</exception>
    /// <exception cref="Loading.CheckpointLoadException">a checkpoint in <c>weights/</c> cannot be loaded.</exception>
    /// <exception cref="SafetensorsFormatException">a reference file is malformed.</exception>
    public static ConformanceReport Run(ConformanceOptions options, Action<ConformanceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var reference = ReferenceDirectory.Open(options.ReferenceDirectory);
        string output = Path.GetFullPath(options.OutputDirectory);
        if (string.Equals(Path.TrimEndingDirectorySeparator(output), Path.TrimEndingDirectorySeparator(reference.Root), StringComparison.Ordinal))
            throw new ConformanceInputException($"the output directory must differ from the reference directory ({reference.Root})");
        Directory.CreateDirectory(output);

        using var guard = no_grad();
        using var inputs = SafetensorsFile.Open(reference.InputsPath);
        using var outputs = reference.OutputsPath is { } o ? SafetensorsFile.Open(o) : null;
        using var outputs64 = reference.OutputsF64Path is { } o64 ? SafetensorsFile.Open(o64) : null;
        var layouts = reference.Layouts;
        var written = new List<string>();
        var componentRows = new List<List<ConformanceRow>>();
        var samplingRows = new List<ConformanceRow>();
        int total = layouts.Count * (outputs is null ? 1 : 2) + reference.Runs.Count, done = 0;
        void Report(string stage) => progress?.Invoke(new ConformanceProgress(stage, done, total));

        ReferenceModels? primary = null;
        try
        {
            foreach (var (layout, path) in layouts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Report($"loading {layout} weights");
                var models = ReferenceModels.Load(reference, layout, path);
                done++;
                bool isPrimary = primary is null;
                if (isPrimary) primary = models;
                try
                {
                    if (outputs is null) continue;
                    Report($"components ({layout})");
                    float loraWeight = options.LoraScale ?? reference.ConfigLoraScale ?? 1f;
                    string? target = isPrimary ? Path.Combine(output, ReferenceDirectory.OutputsFile) : null;
                    componentRows.Add(ComponentConformance.Run(models, inputs, outputs, outputs64, reference.LoraPath, loraWeight, target, cancellationToken));
                    if (target is not null) written.Add(target);
                    done++;
                }
                finally
                {
                    if (!isPrimary) models.Dispose();
                }
            }
            foreach (var run in reference.Runs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Report($"sampling {run.Name}");
                samplingRows.AddRange(SamplingConformance.Run(run, reference, primary!, inputs, output, written, cancellationToken));
                done++;
            }
        }
        finally
        {
            primary?.Dispose();
        }
        Report("done");

        // Component rows tensor by tensor, each followed by the same tensor from the other layouts.
        var rows = new List<ConformanceRow>();
        for (int i = 0; i < (componentRows.Count == 0 ? 0 : componentRows[0].Count); i++)
            rows.AddRange(componentRows.Select(perLayout => perLayout[i]));
        rows.AddRange(samplingRows);
        return new ConformanceReport(reference.Root, output, layouts.Select(l => l.Name).ToList(), rows, written, clock.Elapsed);
    }
}
