using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Tensors;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora profile --lora FILE[:CATEGORY] ...`: renders each LoRA alone and the base model on fixed seeds, prints each
/// LoRA's frequency score ΔH, its group and the order CMLoRA would use; optionally writes sidecar profiles, an SVG
/// chart of the spectra and JSON (docs/composition.md, "Frequency profiling").
/// </summary>
public static class ProfileCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Diffusers folder or single-file .safetensors checkpoint (default: the built-in model)" };
        var loras = new Option<string[]>("--lora") { Description = "FILE[:CATEGORY], repeatable; every LoRA is rendered alone at weight 1", Required = true };
        var seeds = new Option<int>("--seeds") { Description = "Number of fixed seeds (222, 223, …)", DefaultValueFactory = _ => LoraProfilerOptions.DefaultSeedCount };
        var steps = new Option<int>("--steps") { Description = "Denoising steps per image", DefaultValueFactory = _ => 12 };
        var size = new Option<int?>("--size") { Description = "Square image size in pixels, a multiple of 8 (default: the model's native size)" };
        var prompt = new Option<string>("--prompt") { Description = "Prompt template; {trigger} becomes the LoRA's trigger words", DefaultValueFactory = _ => LoraProfilerOptions.TriggerPlaceholder };
        var negative = new Option<string>("--negative") { Description = "Negative prompt", DefaultValueFactory = _ => "" };
        var cfg = new Option<double>("--cfg") { Description = "Classifier-free guidance scale", DefaultValueFactory = _ => 7.5 };
        var threshold = new Option<double>("--threshold") { Description = "Score below which a LoRA is low-frequency", DefaultValueFactory = _ => LoraProfilerOptions.DefaultLowFrequencyThreshold };
        var sidecars = new Option<bool>("--write-sidecars") { Description = "Write NAME.profile.json next to each LoRA (read by generate and the studio)" };
        var chart = new Option<FileInfo?>("--chart") { Description = "Write an SVG chart of each LoRA's radial spectrum against the base model's" };
        var json = new Option<bool>("--json") { Description = "Print the profiles and the order as JSON (progress goes to stderr)" };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: all cores)" };

        var command = new Command("profile", "Profile LoRAs by frequency: score, high/low group and the CMLoRA order")
        {
            model, loras, seeds, steps, size, prompt, negative, cfg, threshold, sidecars, chart, json, device, threads,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            bool asJson = parse.GetValue(json);
            try
            {
                var entries = parse.GetValue(loras)!.Select(ParseLora).ToList();
                int seedCount = parse.GetValue(seeds);
                if (seedCount < 1) throw new ArgumentException($"--seeds must be at least 1 (got {seedCount})");
                var options = new LoraProfilerOptions
                {
                    Seeds = LoraProfilerOptions.SeedsFrom(seedCount),
                    Steps = parse.GetValue(steps),
                    Size = parse.GetValue(size),
                    PromptTemplate = parse.GetValue(prompt)!,
                    NegativePrompt = parse.GetValue(negative)!,
                    GuidanceScale = parse.GetValue(cfg),
                    LowFrequencyThreshold = parse.GetValue(threshold),
                };
                string modelPath = parse.GetValue(model) ?? BuiltInModel.Locate();
                var settings = new GeneratorSettings(ComputeDevice.Select(parse.GetValue(device)), parse.GetValue(threads));

                using var generator = StableDiffusionGenerator.Load(modelPath, settings);
                var profiler = new LoraProfiler(new GeneratorProfileSource(generator), options);
                var targets = entries.Select(e => new LoraProfileTarget(e.Path, Id: e.ResolvedId)).ToList();
                var profiles = Run(profiler, targets, asJson ? ErrorConsole(error) : CliConsole.For(parse), cancellationToken);

                var order = LoraOrdering.Order(
                    entries.Select((e, i) => new LoraSlot(e.ResolvedId, e.Category, profiles[i].Score)).ToList(),
                    new LoraOrderingOptions { LowFrequencyThreshold = options.LowFrequencyThreshold });
                var written = parse.GetValue(sidecars) ? entries.Select((e, i) => LoraProfileSidecar.Write(e.Path, profiles[i])).ToList() : [];
                if (parse.GetValue(chart) is { } chartFile)
                {
                    chartFile.Directory?.Create();
                    File.WriteAllText(chartFile.FullName, SpectrumChartSvg.Render(entries.Select((e, i) => (e.ResolvedId, profiles[i])).ToList()));
                    written.Add(chartFile.FullName);
                }

                if (asJson)
                    output.WriteLine(JsonSerializer.Serialize(new
                    {
                        model = modelPath,
                        loras = entries.Select((e, i) => new { id = e.ResolvedId, path = e.Path, category = e.Category, profile = profiles[i] }),
                        order = order.All.Select(o => new { id = o.Slot.Id, group = o.Band, source = o.Source }),
                        files = written,
                    }, LoraProfileJson.Options));
                else
                    PrintReport(CliConsole.For(parse), entries, profiles, order, written, profiler);
                return Task.FromResult(ExitCodes.Success);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine("cancelled");
                return Task.FromResult(ExitCodes.Cancelled);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or IOException or InvalidOperationException
                                          or NotSupportedException or LoraFormatException or SafetensorsFormatException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return Task.FromResult(ExitCodes.BadInput);
            }
        });
        return command;
    }

    // With --json, stdout carries only the JSON; the progress bar goes to stderr (plain text when that is not a terminal).
    private static IAnsiConsole ErrorConsole(TextWriter error)
    {
        var output = new AnsiConsoleOutput(error);
        return output.IsTerminal
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = output })
            : AnsiConsole.Create(new AnsiConsoleSettings { Out = output, Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
    }

    // FILE[:CATEGORY]; the generate syntax is accepted, but profiling always renders at weight 1.
    private static LoraRequest ParseLora(string spec)
    {
        var request = LoraSpec.Parse(spec);
        if (request.Weight != 1f)
            throw new ArgumentException($"--lora {spec}: profiling renders every LoRA alone at weight 1; give FILE[:CATEGORY]");
        if (!File.Exists(request.Path)) throw new FileNotFoundException($"LoRA file not found: {request.Path}", request.Path);
        return request;
    }

    private static IReadOnlyList<LoraProfile> Run(LoraProfiler profiler, List<LoraProfileTarget> targets, IAnsiConsole console,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<LoraProfile>? profiles = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask($"profiling {targets.Count} LoRA(s)", maxValue: 1);
                profiles = profiler.ProfileAll(targets, p =>
                {
                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(
                        $"{p.LoraId} · image {p.Image}/{p.Images} ({(p.IsBase ? "base" : "LoRA")}, seed {p.Seed}) · step {p.Step}/{p.Steps}");
                }, cancellationToken);
                task.Value = 1;
            });
        return profiles!;
    }

    private static void PrintReport(IAnsiConsole console, List<LoraRequest> entries, IReadOnlyList<LoraProfile> profiles, LoraOrder order,
        List<string> written, LoraProfiler profiler)
    {
        var position = order.All.Select((o, k) => (o.Index, k)).ToDictionary(p => p.Index, p => p.k + 1);
        var table = new Table().AddColumn("LoRA").AddColumn("category").AddColumn(new TableColumn("score ΔH ± sd").RightAligned())
            .AddColumn(new TableColumn("H LoRA").RightAligned()).AddColumn(new TableColumn("H base").RightAligned())
            .AddColumn("group").AddColumn(new TableColumn("order").RightAligned());
        for (int i = 0; i < entries.Count; i++)
        {
            var p = profiles[i];
            // The spread over seeds says how far the sign of a small score can be trusted.
            double sd = Math.Sqrt(p.PerSeedScores.Sum(s => (s - p.Score) * (s - p.Score)) / Math.Max(1, p.PerSeedScores.Count - 1));
            table.AddRow(Markup.Escape(entries[i].ResolvedId), entries[i].Category.ToString().ToLowerInvariant(), $"{Number(p.Score)} ± {Plain(sd)}",
                Plain(p.LoraHighFrequency), Plain(p.BaseHighFrequency), p.Group == FrequencyBand.High ? "high" : "low",
                position[i].ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape($"CMLoRA order: {string.Join(" → ", order.All.Select(o => $"{o.Slot.Id} ({o.Band.ToString().ToLowerInvariant()})"))}"));
        var first = profiles[0];
        console.MarkupLine(Markup.Escape(
            $"{first.Seeds.Count} seed(s) {string.Join(", ", first.Seeds)} · {first.Steps} steps · {profiler.Size}×{profiler.Size} · CFG {first.GuidanceScale} · " +
            $"cut-off r0 = {first.Spectrum.CutoffRadius} · low-frequency below ΔH {first.LowFrequencyThreshold}"));
        foreach (string path in written) console.MarkupLine($"wrote {Markup.Escape(path)}");
    }

    private static string Number(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);

    private static string Plain(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
