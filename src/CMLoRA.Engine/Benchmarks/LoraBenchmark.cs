using System.Diagnostics;
using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Text;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// `cmlora bench lora`: for N = 1..max LoRAs at equal steps, each composition method's UNet evaluations and wall time
/// per image (CMLoRA against Composite, batched against sequential multi-adapter calls), the shallow-path cost, and
/// the overhead of an unmerged adapter against merged weights. LoRAs are random kohya files written to a temporary
/// folder and loaded through <see cref="StableDiffusionGenerator"/> like downloaded ones.
/// </summary>
public sealed class LoraBenchmark(LoraBenchmarkOptions options, GeneratorSettings? settings = null, Action<string>? progress = null)
{
    private static readonly LoraCategory[] Categories =
        [LoraCategory.Character, LoraCategory.Style, LoraCategory.Background, LoraCategory.Clothing, LoraCategory.Object];

    private static readonly CompositionMethod[] MethodOrder =
        [CompositionMethod.Merge, CompositionMethod.Switch, CompositionMethod.Composite, CompositionMethod.CmLora];

    private readonly GeneratorSettings _settings = options.CachePoint is { } point
        ? (settings ?? GeneratorSettings.Cpu) with { CachePoint = point }
        : settings ?? GeneratorSettings.Cpu;

    private FeatureCachePoint CachePoint => _settings.CachePoint ?? FeatureCachePoint.Default;

    /// <summary>Runs every measurement; takes minutes on a CPU for the small model (see docs/benchmarks.md).</summary>
    public LoraBenchmarkResult Run()
    {
        options.Validate();
        var before = MachineSnapshot.Now();
        var folder = Directory.CreateTempSubdirectory("cmlora-bench-").FullName;
        try
        {
            using var generator = CreateGenerator(out string modelName);
            int size = options.Size ?? (options.ModelPath is null ? options.Model.DefaultSize : generator.NativeSize);
            var loras = new List<LoraRequest>();
            for (int i = 0; i < options.MaxLoras; i++)
            {
                string path = Path.Combine(folder, $"lora{i + 1}.safetensors");
                progress?.Invoke($"writing LoRA {i + 1}/{options.MaxLoras} (rank {options.Rank})");
                SyntheticLora.Write(path, generator.UNet, generator.TextEncoder, options.Rank, options.Seed + i);
                loras.Add(new LoraRequest(path, 0.8f, Categories[i % Categories.Length], Id: $"lora{i + 1}"));
            }

            var methods = MeasureMethods(generator, loras, size);
            var shallow = MeasureShallowPath(generator, size);
            var ratios = Enumerable.Range(1, options.MaxLoras).Select(n => Ratios(methods, loras, n, shallow.PredictionFraction)).ToList();
            var unmerged = options.UnmergedRanks.Select(r => MeasureUnmerged(generator, folder, r, size)).ToList();
            progress?.Invoke("single adapted layers");
            var kernels = new List<AdapterKernelRow>();
            if (options.UnmergedRanks.Count > 0)
            {
                kernels.AddRange(AdapterKernelBenchmarks.Measure(generator.UNet.Config, size, options.UnmergedRanks, options.ForwardRuns,
                    _settings.Device.Device));
                // The same layers at SD 1.5's width and 512² token count, where the overhead matters most.
                if (options.AdapterKernelsAtSd15)
                    kernels.AddRange(AdapterKernelBenchmarks.Measure(UNetConfig.StableDiffusion15, 512, options.UnmergedRanks, options.ForwardRuns,
                        _settings.Device.Device, "SD 1.5 512²"));
            }
            return new LoraBenchmarkResult(modelName, size, options.Steps, options.Rank, options.Runs, methods, ratios, shallow,
                $"({CachePoint.DownBlock}, {CachePoint.Layer})", unmerged, kernels, before, MachineSnapshot.Now());
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort
        }
    }

    private StableDiffusionGenerator CreateGenerator(out string name)
    {
        if (options.ModelPath is { } path)
        {
            name = path;
            progress?.Invoke($"loading {path}");
            return StableDiffusionGenerator.Load(path, _settings);
        }
        var tokenizer = ClipTokenizer.LoadDefault();
        // The built-in tokenizer needs an embedding row for each of its ids; the tiny fixture's table is smaller.
        var model = options.Model with
        {
            TextEncoder = options.Model.TextEncoder with { VocabSize = Math.Max(options.Model.TextEncoder.VocabSize, tokenizer.VocabularySize) },
        };
        name = $"synthetic {model.Name}";
        progress?.Invoke($"building the {model.Name} model with random weights");
        var device = _settings.Device.Device;
        return StableDiffusionGenerator.FromModels(model.BuildUNet(device), model.BuildVae(device), model.BuildTextEncoder(device), tokenizer,
            _settings, name: name);
    }

    private List<LoraMethodRow> MeasureMethods(StableDiffusionGenerator generator, List<LoraRequest> loras, int size)
    {
        var configs = new List<(CompositionMethod Method, int N, bool Batched)>();
        for (int n = 1; n <= options.MaxLoras; n++)
        {
            foreach (var method in MethodOrder) configs.Add((method, n, true));
            if (options.Sequential && n > 1)
            {
                configs.Add((CompositionMethod.Composite, n, false));
                configs.Add((CompositionMethod.CmLora, n, false));
            }
        }

        using var timer = new UNetTimer(generator.UNet);
        var stats = new GenerationStats?[configs.Count];
        var seconds = configs.Select(_ => new List<double>()).ToArray();
        var unetSeconds = configs.Select(_ => new List<double>()).ToArray();
        for (int run = -options.WarmupRuns; run < options.Runs; run++)
        {
            for (int c = 0; c < configs.Count; c++)
            {
                var (method, n, batched) = configs[c];
                string pass = run < 0 ? "warm-up" : $"run {run + 1}/{options.Runs}";
                progress?.Invoke($"{pass}: {method} with {n} LoRA{(n > 1 ? "s" : "")}{(batched ? "" : ", sequential")}");
                timer.Reset();
                long start = Stopwatch.GetTimestamp();
                var output = generator.Generate(Job(method, loras.Take(n).ToList(), batched, size));
                if (run < 0) continue;
                seconds[c].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                unetSeconds[c].Add(timer.Seconds);
                stats[c] ??= output.Stats;
            }
        }

        return configs.Select((config, c) => new LoraMethodRow(config.Method, config.N, config.Batched, stats[c]!.FullEvaluations,
            stats[c]!.CachedEvaluations, stats[c]!.UNetCalls, stats[c]!.MergedWeights, Median(seconds[c]), Median(unetSeconds[c]))).ToList();
    }

    private GenerationJob Job(CompositionMethod method, IReadOnlyList<LoraRequest> loras, bool batched, int size)
    {
        CompositionOptions? methodOptions = method switch
        {
            CompositionMethod.Composite => new CompositeOptions { BatchAdapters = batched },
            CompositionMethod.CmLora => new CmLoraOptions { BatchAdapters = batched },
            _ => null,
        };
        var image = new TextToImageRequest(size, size, options.Steps, 7.5, options.Seed, "dpmpp2m");
        return new GenerationJob("a knight in a forest, detailed, painting", "blurry", loras, method, methodOptions, image);
    }

    private LoraRatioRow Ratios(List<LoraMethodRow> rows, List<LoraRequest> loras, int n, double shallowFraction)
    {
        LoraMethodRow? Find(CompositionMethod m, bool batched = true) => rows.FirstOrDefault(r => r.Method == m && r.Loras == n && r.Batched == batched);
        double? Ratio(LoraMethodRow? a, LoraMethodRow? b, Func<LoraMethodRow, double> value) => a is null || b is null ? null : value(a) / value(b);

        var composite = Find(CompositionMethod.Composite);
        var cmlora = Find(CompositionMethod.CmLora);
        var slots = loras.Take(n).Select(l => new LoraSlot(l.ResolvedId, l.Category, l.FrequencyScore)).ToList();
        double predicted = CompositionCost.Estimate(new CmLoraSchedule(), options.Steps, slots, shallowFraction).UnetEquivalents
                           / CompositionCost.Estimate(new CompositeSchedule(), options.Steps, slots, shallowFraction).UnetEquivalents;
        return new LoraRatioRow(n, Ratio(cmlora, composite, r => r.Seconds), Ratio(cmlora, composite, r => r.UNetSeconds), predicted,
            Ratio(composite, Find(CompositionMethod.Composite, false), r => r.Seconds),
            Ratio(cmlora, Find(CompositionMethod.CmLora, false), r => r.Seconds));
    }

    private ShallowPathCost MeasureShallowPath(StableDiffusionGenerator generator, int size)
    {
        progress?.Invoke("shallow path against full forward");
        using var guard = no_grad();
        using var scope = NewDisposeScope();
        var unet = new CachingUNet(generator.UNet, CachePoint);
        var (sample, t, context) = UNetInputs(generator, size);
        var (_, feature) = unet.ForwardRecording(sample, t, context);
        double fullFlops, cachedFlops;
        using (var counter = new FlopCounter(generator.UNet))
        {
            using (unet.Forward(sample, t, context)) fullFlops = counter.Flops;
            counter.Reset();
            using (unet.ForwardCached(sample, t, context, feature)) cachedFlops = counter.Flops;
        }
        var full = new List<double>();
        var cached = new List<double>();
        for (int i = 0; i < options.ForwardRuns; i++)
        {
            full.Add(Time(() => unet.Forward(sample, t, context)));
            cached.Add(Time(() => unet.ForwardCached(sample, t, context, feature)));
        }
        return new ShallowPathCost(Median(full), Median(cached), fullFlops / 1e9, cachedFlops / 1e9);
    }

    private UnmergedOverheadRow MeasureUnmerged(StableDiffusionGenerator generator, string folder, int rank, int size)
    {
        progress?.Invoke($"unmerged against merged, rank {rank}");
        string path = Path.Combine(folder, $"unet_rank{rank}.safetensors");
        SyntheticLora.Write(path, generator.UNet, null, rank, options.Seed + 100 + rank);
        using var guard = no_grad();
        using var scope = NewDisposeScope();
        using var file = LoraFile.Open(path);
        using var adapters = new LoraAdapterSet(generator.UNet);
        LoraAttachment.Attach(file, generator.UNet, adapters, device: _settings.Device.Device, dtype: _settings.Device.DType);
        var (sample, t, context) = UNetInputs(generator, size);
        Tensor Forward() => generator.UNet.call(sample, t, context);

        var active = new[] { new ActiveAdapter(0, 1f) };
        var baseline = new List<double>();
        var merged = new List<double>();
        var unmerged = new List<double>();
        for (int i = 0; i < options.ForwardRuns; i++)
        {
            adapters.Active = AdapterMix.None;
            baseline.Add(Time(Forward));
            adapters.Active = AdapterMix.All(active);
            unmerged.Add(Time(Forward));
            adapters.Active = AdapterMix.None;
            adapters.Merge(active);
            merged.Add(Time(Forward));
            adapters.Restore();
        }
        return new UnmergedOverheadRow(rank, adapters.LayerCount(0), Median(baseline), Median(merged), Median(unmerged));
    }

    // A CFG pair of random latents, a mid-schedule timestep and a random 77-token context.
    private static (Tensor Sample, Tensor Timestep, Tensor Context) UNetInputs(StableDiffusionGenerator generator, int size)
    {
        var config = generator.UNet.Config;
        var device = generator.UNet.parameters().First().device;
        var sample = randn(2, config.InChannels, size / 8, size / 8, device: device);
        var context = randn(2, 77, config.CrossAttentionDim.Resolve(config.BlockCount, "cross_attention_dim")[0], device: device);
        return (sample, tensor(500f, device: device), context);
    }

    private static double Time(Func<Tensor> forward) => Stopwatches.Seconds(() => forward().Dispose());

    private static double Median(List<double> values) => Stopwatches.Median(values);
}
