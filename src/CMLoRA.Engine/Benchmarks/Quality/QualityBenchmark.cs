using System.Text.Json;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// `cmlora bench quality`, the project's ComposLoRA: composes demo LoRAs (N per image, distinct categories, always a
/// character) with every method and no LoRA, scores each image with the world's concept classifier, and tabulates
/// concept recall, all-present rate, time and UNet evaluations per method × N. Every finished image is appended to
/// results.jsonl at once, so a stopped run resumes where it left off (docs/quality-benchmark.md).
/// </summary>
public sealed class QualityBenchmark(QualityBenchmarkOptions options, GeneratorSettings? settings = null)
{
    /// <summary>File names of the outputs besides results.jsonl and grid.png.</summary>
    public const string ReportFile = "report.md", JsonFile = "results.json";

    private readonly GeneratorSettings _settings = settings ?? GeneratorSettings.Cpu;

    /// <summary>The LoRAs found, the combinations per N, the image seeds and every image of the run, in run order.</summary>
    public QualityPlan Plan()
    {
        options.Validate();
        var loras = QualityLora.Discover(options.LoraFolder);
        if (loras.Count == 0)
            throw new ArgumentException($"no demo LoRAs in {options.LoraFolder}: expected files named by trigger word ({string.Join(", ", ConceptCatalog.Novel.Select(c => c.Trigger + ".safetensors"))})");
        var notes = new List<string>();
        var combinations = new List<QualityCombination>();
        foreach (int n in options.LoraCounts.Order())
        {
            var chosen = QualityCombinations.Choose(loras, n, options.Combinations, options.CombinationSeed);
            if (chosen.Count < options.Combinations)
                notes.Add($"N={n}: {chosen.Count} of {options.Combinations} combinations exist with the LoRAs found ({string.Join(", ", loras.Select(l => l.Concept.Trigger))}).");
            combinations.AddRange(chosen);
        }
        if (combinations.Count == 0) throw new ArgumentException("no combination of the LoRAs found fits the requested --n");
        var seeds = Enumerable.Range(0, options.Seeds).Select(i => options.FirstSeed + i).ToArray();
        // Methods interleave within a combination and seed, so a stopped run leaves comparable rows.
        var tasks = combinations.SelectMany(c => seeds.SelectMany(s => options.Methods.Select(m => new QualityTask(m, c, s)))).ToArray();
        return new QualityPlan(loras, combinations, seeds, tasks, notes);
    }

    /// <summary>Generates every image not yet in results.jsonl, then writes the report, results.json and grid.png.</summary>
    public QualityReport Run(Action<QualityProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var plan = Plan();
        string outFolder = options.OutFolder;
        QualityRunSettings.From(options).ClaimFolder(outFolder);
        string resultsPath = Path.Combine(outFolder, QualityResultsFile.FileName);
        var previous = QualityResultsFile.Read(resultsPath);
        QualityResume.Check(resultsPath, previous, options.Methods);
        var done = previous.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last());
        var pending = plan.Tasks.Where(t => !done.ContainsKey(t.Key) || !File.Exists(Path.Combine(outFolder, done[t.Key].Image))).ToList();
        int skipped = plan.Tasks.Count - pending.Count, finished = skipped;
        void Report(string current, int step = 0) =>
            progress?.Invoke(new QualityProgress(finished, plan.Tasks.Count, skipped, current, step, options.Steps));

        using var classifier = ConceptClassifier.LoadBuiltIn();
        // CMLoRA's cut is a generator setting, so each cache point gets its own generator; other methods use the default's.
        foreach (var group in pending.GroupBy(t => t.Method.CachePoint ?? FeatureCachePoint.Default))
        {
            Report("loading model");
            using var generator = StableDiffusionGenerator.Load(options.ModelPath, _settings with { CachePoint = group.Key });
            WarmUp(generator, group.First());
            foreach (var task in group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string current = $"{task.Method.Label} · {task.Combination.Name} · seed {task.Seed}";
                Report(current);
                var record = Generate(generator, classifier, task, p => Report(current, p.Step), cancellationToken);
                QualityResultsFile.Append(resultsPath, record);
                done[record.Key] = record;
                finished++;
                Report(current, options.Steps);
            }
        }

        Report("scoring rendered ground truth");
        var rendered = RenderedReference(classifier, plan);
        var keys = plan.Tasks.Select(t => t.Key).ToHashSet();
        var records = done.Values.Where(r => keys.Contains(r.Key)).Concat(rendered).ToList();
        var order = options.Methods.Select(m => m.Label).ToList();
        var report = new QualityReport(QualityRunSettings.From(options).Model, options.Steps, options.GuidanceScale, options.Sampler,
            options.LoraWeight, plan.Seeds, plan.Combinations.Select(c => new QualityCombinationInfo(c.N, c.Index, c.Name, c.Prompt)).ToArray(),
            options.Methods.Where(m => m.Variant is not null).Select(m => new QualityVariantInfo(m.Label, m.Variant!.Definition)).ToArray(),
            QualitySummary.Rows(records, order), QualitySummary.Categories(records, order), pending.Count, skipped, plan.Notes,
            ConceptClassifier.BuiltInMetadata().GetValueOrDefault("held_out_mean_category_accuracy"));

        File.WriteAllText(Path.Combine(outFolder, ReportFile), report.ToMarkdown());
        File.WriteAllText(Path.Combine(outFolder, JsonFile), JsonSerializer.Serialize(report,
            new JsonSerializerOptions(QualityResultsFile.Json) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }));
        var gridMethods = new[] { QualitySummary.Rendered }.Concat(order).ToArray();
        QualityGrid.Write(Path.Combine(outFolder, QualityGrid.FileName), outFolder, gridMethods,
            QualityGrid.ChooseColumns(plan.Combinations, plan.Seeds, options.GridColumns), records.ToDictionary(r => r.Key));
        return report;
    }

    private QualityRecord Generate(StableDiffusionGenerator generator, ConceptClassifier classifier, QualityTask task,
        Action<GenerationProgress> progress, CancellationToken cancellationToken)
    {
        var combination = task.Combination;
        bool withLoras = task.Method.Method != CompositionMethod.None;
        var requests = withLoras ? combination.Loras.Select(l => l.Request(options.LoraWeight)).ToArray() : [];
        // Without frequency profiles the hand-over order is the request order within each frequency group.
        if (task.Method.Variant?.Order == DominanceOrder.Reverse) Array.Reverse(requests);
        var job = new GenerationJob(combination.Prompt, "", requests, task.Method.Method, task.Method.Options,
            ConceptCheck.NativeRequest(generator, options.Steps, options.GuidanceScale, task.Seed, options.Sampler));
        var result = ConceptCheck.Run(generator, classifier, job, combination.Concepts.Select(c => c.Id).ToArray(), progress, cancellationToken);
        string image = Path.Combine(options.OutFolder, task.ImagePath);
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        File.WriteAllBytes(image, result.Output.Png);
        var stats = result.Output.Stats;
        return new QualityRecord(task.Method.Label, combination.N, combination.Name, task.Seed, combination.Prompt,
            combination.Concepts.Select(c => c.Id).ToArray(), result.Score.Detected.Where(d => d.Value).Select(d => d.Key).ToArray(),
            result.Score.Probabilities, result.Seconds, stats.FullEvaluations, stats.CachedEvaluations, stats.UNetCalls, task.ImagePath,
            task.Method.Variant?.Definition);
    }

    // One untimed step first, so the first timed image does not pay for lazy initialisation.
    private void WarmUp(StableDiffusionGenerator generator, QualityTask task) =>
        generator.Generate(new GenerationJob(task.Combination.Prompt, "", [], CompositionMethod.None, null,
            ConceptCheck.NativeRequest(generator, 1, options.GuidanceScale, task.Seed, options.Sampler)));

    // The classifier on rendered pictures of exactly the requested scenes: the ceiling the metric can reach.
    private List<QualityRecord> RenderedReference(ConceptClassifier classifier, QualityPlan plan)
    {
        var records = new List<QualityRecord>();
        foreach (var combination in plan.Combinations)
            foreach (long seed in plan.Seeds)
            {
                string relative = QualityTask.ImagePathOf(QualitySummary.Rendered, combination, seed);
                string file = Path.Combine(options.OutFolder, relative);
                if (!File.Exists(file))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllBytes(file, RenderPng(QualityPrompt.Scene(combination.Concepts), seed));
                }
                var score = ConceptCheck.Score(classifier, File.ReadAllBytes(file), combination.Concepts);
                records.Add(new QualityRecord(QualitySummary.Rendered, combination.N, combination.Name, seed, combination.Prompt,
                    combination.Concepts.Select(c => c.Id).ToArray(), score.Detected.Where(d => d.Value).Select(d => d.Key).ToArray(),
                    score.Probabilities, 0, 0, 0, 0, relative));
            }
        return records;
    }

    /// <summary>A rendered scene as an 8-bit PNG, quantised like a generated image.</summary>
    public static byte[] RenderPng(SceneSpec spec, long seed)
    {
        var chw = SceneRenderer.Render(spec, seed);
        int side = SceneRenderer.ImageSize, plane = side * side;
        var rgb = new byte[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int ch = 0; ch < 3; ch++)
                rgb[3 * i + ch] = (byte)Math.Clamp((int)MathF.Round(chw[ch * plane + i] * 255f), 0, 255);
        return PngEncoding.EncodeRgb(rgb, side, side);
    }
}
