using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CMLoRA.Engine.Benchmarks;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;
using Spectre.Console;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora bench engine` (matmul ceiling, kernels, UNet/VAE/text-encoder forwards with FLOPs and % of the ceiling) and
/// `cmlora bench lora` (composition methods × number of LoRAs, batched against sequential, unmerged against merged), and
/// `cmlora bench quality` (concept recall of each method with the demo LoRAs, see <see cref="BenchQualityCommand"/>).
/// </summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "Measure the engine's speed, the cost of composing LoRAs and the quality of compositions")
    {
        CreateEngine(), CreateLora(), BenchQualityCommand.Create(),
    };

    // Redirected output (a log, docs) gets wide tables instead of the 80-column default.
    private static void WidenRedirectedOutput()
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
    }

    private static Command CreateEngine()
    {
        var runs = new Option<int>("--runs") { Description = "Timed calls per row (median reported)", DefaultValueFactory = _ => 3 };
        var sizes = new Option<string>("--sizes") { Description = "Image sides for the SD 1.5 rows, comma-separated", DefaultValueFactory = _ => "256,512" };
        var noSd15 = new Option<bool>("--no-sd15") { Description = "Skip the SD 1.5 rows (only the ceiling, kernels and the tiny model)" };
        var noKernels = new Option<bool>("--no-kernels") { Description = "Skip the single-kernel rows" };
        var profile = new Option<bool>("--profile") { Description = "Also split one SD 1.5 UNet forward at the largest size by layer" };
        var (threads, device, json) = CommonOptions();
        var command = new Command("engine", "Matmul ceiling, kernels, and UNet/VAE/text-encoder forwards with FLOPs and % of the ceiling")
        {
            runs, sizes, noSd15, noKernels, profile, threads, device, json,
        };
        command.SetAction(parse => Guarded(parse, () =>
        {
            var options = new EngineBenchmarkOptions
            {
                Runs = parse.GetValue(runs),
                Sizes = ParseInts(parse.GetValue(sizes)!, "--sizes"),
                StableDiffusion15 = !parse.GetValue(noSd15),
                Kernels = !parse.GetValue(noKernels),
                Profile = parse.GetValue(profile),
            };
            options.Validate();
            var chosen = Prepare(parse.GetValue(device)!, parse.GetValue(threads));
            var before = MachineSnapshot.Now();
            EngineBenchmark? bench = null;
            AnsiConsole.Status().Start("starting", status =>
            {
                bench = new EngineBenchmark(chosen.Device, options.Runs, text => status.Status(Markup.Escape(text)));
                bench.RunAll(options);
            });
            var after = MachineSnapshot.Now();
            BenchTables.WriteEngine(bench!, chosen.Description, before, after);
            if (parse.GetValue(json) is { } file)
                WriteJson(file, new { device = chosen.Description, before, after, ceilingGflops = bench!.MatmulCeiling, rows = bench.Rows, profiles = bench.Profiles });
        }));
        return command;
    }

    private static Command CreateLora()
    {
        var model = new Option<string?>("--model") { Description = "Diffusers folder or single-file checkpoint (default: a synthetic model, see --config)" };
        var config = new Option<string>("--config") { Description = "Synthetic model: tiny, small or sd15", DefaultValueFactory = _ => "small" };
        var steps = new Option<int>("--steps") { Description = "Denoising steps per image", DefaultValueFactory = _ => 10 };
        var size = new Option<int?>("--size") { Description = "Image side in pixels (default: the model's; small = 256)" };
        var maxLoras = new Option<int>("--max-loras") { Description = "N runs from 1 to this", DefaultValueFactory = _ => 5 };
        var rank = new Option<int>("--rank") { Description = "Rank of the composed LoRAs", DefaultValueFactory = _ => 16 };
        var runs = new Option<int>("--runs") { Description = "Images per configuration (median reported)", DefaultValueFactory = _ => 3 };
        var seed = new Option<long>("--seed") { Description = "Seed of the images and LoRAs", DefaultValueFactory = _ => 1234 };
        var unmergedRanks = new Option<string>("--unmerged-ranks") { Description = "Ranks of the unmerged-vs-merged comparison; empty skips it", DefaultValueFactory = _ => "4,16,32" };
        var warmup = new Option<int>("--warmup") { Description = "Untimed passes over every configuration first", DefaultValueFactory = _ => 1 };
        var cachePoint = new Option<string?>("--cache-point") { Description = "BLOCK,LAYER where cached evaluations cut the UNet (default 0,1)" };
        var noSequential = new Option<bool>("--no-sequential") { Description = "Skip the one-call-per-LoRA runs of Composite and CMLoRA" };
        var (threads, device, json) = CommonOptions();
        var command = new Command("lora", "UNet evaluations and wall time per composition method for N = 1..max LoRAs")
        {
            model, config, steps, size, maxLoras, rank, runs, warmup, seed, unmergedRanks, cachePoint, noSequential, threads, device, json,
        };
        command.SetAction(parse => Guarded(parse, () =>
        {
            var options = new LoraBenchmarkOptions
            {
                Model = SyntheticModelConfig.Named(parse.GetValue(config)!),
                ModelPath = parse.GetValue(model),
                Steps = parse.GetValue(steps),
                Size = parse.GetValue(size),
                MaxLoras = parse.GetValue(maxLoras),
                Rank = parse.GetValue(rank),
                Runs = parse.GetValue(runs),
                WarmupRuns = parse.GetValue(warmup),
                Seed = parse.GetValue(seed),
                UnmergedRanks = ParseInts(parse.GetValue(unmergedRanks)!, "--unmerged-ranks"),
                Sequential = !parse.GetValue(noSequential),
                CachePoint = parse.GetValue(cachePoint) is { } point ? ParseCachePoint(point) : null,
            };
            options.Validate();
            var chosen = Prepare(parse.GetValue(device)!, parse.GetValue(threads));
            var settings = new GeneratorSettings(chosen);
            LoraBenchmarkResult? result = null;
            AnsiConsole.Status().Start("starting", status =>
                result = new LoraBenchmark(options, settings, text => status.Status(Markup.Escape(text))).Run());
            BenchTables.WriteLora(result!, chosen.Description);
            if (parse.GetValue(json) is { } file) WriteJson(file, new { device = chosen.Description, result });
        }));
        return command;
    }

    private static (Option<int?> Threads, Option<string> Device, Option<FileInfo?> Json) CommonOptions() =>
    (
        new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: all cores)" },
        new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" },
        new Option<FileInfo?>("--json") { Description = "Also write the numbers to this JSON file" }
    );

    // Benchmarks are float32 on the chosen device whatever dtype the device would default to.
    internal static ComputeDevice Prepare(string device, int? threads)
    {
        if (threads is { } t)
        {
            if (t < 1) throw new ArgumentException($"--threads must be at least 1 (got {t})");
            set_num_threads(t);
        }
        var chosen = ComputeDevice.Select(device);
        return chosen with { DType = ScalarType.Float32, Description = $"{chosen.Device.type.ToString().ToLowerInvariant()} (float32)" };
    }

    private static int Guarded(ParseResult parse, Action body)
    {
        try
        {
            WidenRedirectedOutput();
            body();
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or IOException or InvalidOperationException or NotSupportedException)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    internal static IReadOnlyList<int> ParseInts(string text, string option)
    {
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                throw new ArgumentException($"{option}: '{part}' is not a whole number");
            values.Add(value);
        }
        return values;
    }

    private static FeatureCachePoint ParseCachePoint(string text)
    {
        var values = ParseInts(text, "--cache-point");
        if (values.Count != 2) throw new ArgumentException($"--cache-point: expected BLOCK,LAYER (got '{text}')");
        return new FeatureCachePoint(values[0], values[1]);
    }

    private static void WriteJson(FileInfo file, object value)
    {
        file.Directory?.Create();
        var options = new JsonSerializerOptions { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
        File.WriteAllText(file.FullName, JsonSerializer.Serialize(value, options));
        AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(file.FullName)}[/]");
    }
}
