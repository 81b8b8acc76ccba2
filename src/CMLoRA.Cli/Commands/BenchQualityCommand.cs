using System.CommandLine;
using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Generation;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora bench quality`: composes the demo LoRAs with every method (and none), scores each image with the world's
/// concept classifier and prints concept recall, all-present rate, time and UNet evaluations per method × N.
/// --cmlora-variants runs CMLoRA once per named setting (rows cmlora:NAME) to choose its defaults (docs/benchmarks.md).
/// Resumable: finished images are kept in --out/results.jsonl (docs/quality-benchmark.md).
/// </summary>
public static class BenchQualityCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Diffusers folder or single file (default: the built-in model)" };
        var loras = new Option<string?>("--loras") { Description = "Folder of demo LoRAs named by trigger word (default: the built-in model's loras/)" };
        var n = new Option<string>("--n") { Description = "LoRAs per composition, comma-separated", DefaultValueFactory = _ => "2,3,4" };
        var combos = new Option<int>("--combos") { Description = "Combinations per N (seeded shuffle of distinct-category sets with a character)", DefaultValueFactory = _ => 4 };
        var seeds = new Option<int>("--seeds") { Description = "Image seeds per combination (1, 2, …)", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "Denoising steps", DefaultValueFactory = _ => 20 };
        var cfg = new Option<double>("--cfg") { Description = "Classifier-free guidance scale", DefaultValueFactory = _ => 7.5 };
        var sampler = new Option<string>("--sampler") { Description = "Sampler", DefaultValueFactory = _ => "dpmpp2m" };
        var weight = new Option<float>("--weight") { Description = "Weight of every LoRA", DefaultValueFactory = _ => 1f };
        var methods = new Option<string>("--methods") { Description = "none, merge, switch, composite, cmlora (comma-separated)", DefaultValueFactory = _ => "none,merge,switch,composite,cmlora" };
        var cachePoints = new Option<string?>("--cmlora-cache-points") { Description = "Run CMLoRA once per cut, e.g. \"0,1;0,0\" (BLOCK,LAYER;…)" };
        var variants = new Option<string?>("--cmlora-variants")
        {
            Description = "Run CMLoRA once per named variant, e.g. \"c2n4:dom=2,nondom=4;nocache:cache=off\" (rows cmlora:NAME). " +
                          "Keys: dom, nondom (N | qN@CENTRE[^POWER] | piecewise), maxage, phase, decay, cache, batch (on/off), order (category/reverse), cut (B.L)",
        };
        var comboSeed = new Option<long>("--combo-seed") { Description = "Seed of the combination shuffle", DefaultValueFactory = _ => 2025 };
        var gridColumns = new Option<int>("--grid-columns") { Description = "Combination × seed columns in grid.png", DefaultValueFactory = _ => 12 };
        var output = new Option<string>("--out") { Description = "Output folder (results.jsonl, images/, report.md, results.json, grid.png); rerun to resume", Required = true };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: all cores)" };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var command = new Command("quality", "Concept recall of each composition method with the demo LoRAs, scored by the concept classifier")
        {
            model, loras, n, combos, seeds, steps, cfg, sampler, weight, methods, cachePoints, variants, comboSeed, gridColumns, output, threads, device,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliConsole.For(parse);
            try
            {
                string modelPath = parse.GetValue(model) ?? BuiltInModel.Locate();
                var options = new QualityBenchmarkOptions
                {
                    ModelPath = modelPath,
                    LoraFolder = parse.GetValue(loras) ?? DefaultLoraFolder(modelPath),
                    OutFolder = parse.GetValue(output)!,
                    LoraCounts = BenchCommand.ParseInts(parse.GetValue(n)!, "--n"),
                    Combinations = parse.GetValue(combos),
                    Seeds = parse.GetValue(seeds),
                    Steps = parse.GetValue(steps),
                    GuidanceScale = parse.GetValue(cfg),
                    Sampler = parse.GetValue(sampler)!,
                    LoraWeight = parse.GetValue(weight),
                    Methods = QualityMethod.Parse(parse.GetValue(methods)!, parse.GetValue(cachePoints), parse.GetValue(variants)),
                    CombinationSeed = parse.GetValue(comboSeed),
                    GridColumns = parse.GetValue(gridColumns),
                };
                options.Validate();
                var settings = new GeneratorSettings(BenchCommand.Prepare(parse.GetValue(device)!, parse.GetValue(threads)), parse.GetValue(threads));
                var benchmark = new QualityBenchmark(options, settings);
                var plan = benchmark.Plan();
                console.MarkupLine(Markup.Escape($"{plan.Loras.Count} LoRAs ({string.Join(", ", plan.Loras.Select(l => l.Concept.Trigger))}), " +
                                                 $"{plan.Combinations.Count} combinations × {plan.Seeds.Count} seeds × {options.Methods.Count} methods = {plan.Tasks.Count} images"));
                foreach (var row in options.Methods.Where(m => m.Variant is not null))
                    console.MarkupLine(Markup.Escape($"{row.Label}: {row.Variant!.Definition}"));
                QualityReport? report = null;
                console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(context =>
                    {
                        var task = context.AddTask("images", maxValue: plan.Tasks.Count);
                        report = benchmark.Run(p =>
                        {
                            // Fractional progress inside the image keeps the remaining-time column moving.
                            task.Value = p.Done + (p.Steps > 0 && p.Step < p.Steps ? (double)p.Step / p.Steps : 0);
                            task.Description = Markup.Escape($"{p.Done}/{p.Total} · {p.Current}" + (p.Step > 0 && p.Step < p.Steps ? $" · step {p.Step}/{p.Steps}" : ""));
                        }, cancellationToken);
                        task.Value = plan.Tasks.Count;
                    });
                console.WriteLine();
                console.WriteLine(report!.MainTable());
                console.WriteLine("Recall by category (all N):");
                console.WriteLine(report.CategoryTable());
                foreach (var note in report.Notes) console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
                console.MarkupLine(Markup.Escape($"{report.Generated} generated, {report.Skipped} already done; wrote {QualityBenchmark.ReportFile}, " +
                                                 $"{QualityBenchmark.JsonFile}, {QualityGrid.FileName} and {QualityResultsFile.FileName} to {Path.GetFullPath(options.OutFolder)}"));
                return Task.FromResult(ExitCodes.Success);
            }
            catch (OperationCanceledException)
            {
                console.MarkupLine("[yellow]stopped; rerun the same command to resume[/]");
                return Task.FromResult(ExitCodes.Cancelled);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or IOException or InvalidOperationException or NotSupportedException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return Task.FromResult(ExitCodes.BadInput);
            }
        });
        return command;
    }

    // The demo LoRAs ship inside the model folder (models/builtin/loras).
    private static string DefaultLoraFolder(string modelPath) =>
        Path.Combine(Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", "loras");
}
