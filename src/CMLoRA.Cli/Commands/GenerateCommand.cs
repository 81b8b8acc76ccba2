using System.CommandLine;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Devices;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Recipes;
using CMLoRA.Engine.Sampling;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora generate`: one txt2img image from a checkpoint, with any number of LoRAs composed by Merge, Switch,
/// Composite or CMLoRA, with a progress bar. The PNG carries A1111 infotext and the full recipe (docs/recipes.md).
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Diffusers folder or single-file .safetensors checkpoint (default: the built-in model)" };
        var prompt = new Option<string>("--prompt") { Description = "Prompt (A1111 emphasis syntax; long prompts are chunked)", Required = true };
        var negative = new Option<string>("--negative") { Description = "Negative prompt", DefaultValueFactory = _ => "" };
        var steps = new Option<int>("--steps") { Description = "Denoising steps", DefaultValueFactory = _ => 20 };
        var cfg = new Option<double>("--cfg") { Description = "Classifier-free guidance scale", DefaultValueFactory = _ => 7.5 };
        var seed = new Option<long>("--seed") { Description = "Seed of the initial noise; -1 picks one at random", DefaultValueFactory = _ => -1 };
        var width = new Option<int?>("--width") { Description = "Width in pixels, a multiple of 8 (default: the model's native size)" };
        var height = new Option<int?>("--height") { Description = "Height in pixels, a multiple of 8 (default: the model's native size)" };
        var sampler = new Option<string>("--sampler") { Description = string.Join(", ", SamplerFactory.Names), DefaultValueFactory = _ => "dpmpp2m" };
        var karras = new Option<bool>("--karras") { Description = "Use Karras sigmas" };
        var output = new Option<FileInfo>("--out") { Description = "Output PNG", Required = true };
        var loras = new Option<string[]>("--lora") { Description = "FILE[:WEIGHT][:CATEGORY], repeatable; FILE may be a demo LoRA's name (boovik:0.8)", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] };
        var method = new Option<string?>("--method") { Description = "merge, switch, composite, cmlora or none (default: cmlora with LoRAs)" };
        var cacheInterval = new Option<int?>("--cache-interval") { Description = "CMLoRA: dominant LoRA refresh interval (non-dominant: twice this)" };
        var maxAge = new Option<int?>("--max-age") { Description = "CMLoRA: refresh every LoRA's cache at least this often" };
        var switchStep = new Option<int?>("--switch-step") { Description = "Switch: steps per LoRA" };
        var clipSkip = new Option<int>("--clip-skip") { Description = "1 = last CLIP layer, 2 = penultimate", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: all cores)" };
        var vae = new Option<string?>("--vae") { Description = "A VAE file or folder that replaces the checkpoint's" };
        var profileMissing = new Option<bool>("--profile-missing")
        {
            Description = "CMLoRA: profile LoRAs that have no NAME.profile.json first (saved next to them); otherwise their category decides",
        };

        var command = new Command("generate", "Generate an image, optionally composing several LoRAs")
        {
            model, prompt, negative, steps, cfg, seed, width, height, sampler, karras, output, loras, method,
            cacheInterval, maxAge, switchStep, clipSkip, device, threads, vae, profileMissing,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var console = CliConsole.For(parse);
            try
            {
                string modelPath = parse.GetValue(model) ?? BuiltInModel.Locate();
                string? demoFolder = BuiltInModel.DemoLoraFolder(modelPath);
                var loraRequests = parse.GetValue(loras)!.Select(spec => LoraSpec.Parse(spec, demoFolder)).ToList();
                var chosenMethod = ParseMethod(parse.GetValue(method), loraRequests.Count);
                var options = BuildOptions(chosenMethod, parse.GetValue(cacheInterval), parse.GetValue(maxAge), parse.GetValue(switchStep));
                long chosenSeed = parse.GetValue(seed) is var s && s >= 0 ? s : Random.Shared.NextInt64(0, uint.MaxValue);
                var settings = new GeneratorSettings(ComputeDevice.Select(parse.GetValue(device)), parse.GetValue(threads), parse.GetValue(vae));

                using var generator = StableDiffusionGenerator.Load(modelPath, settings);
                int native = generator.NativeSize;
                var request = new TextToImageRequest(parse.GetValue(width) ?? native, parse.GetValue(height) ?? native,
                    parse.GetValue(steps), parse.GetValue(cfg), chosenSeed, parse.GetValue(sampler)!, parse.GetValue(karras) ? true : null);
                var job = new GenerationJob(parse.GetValue(prompt)!, parse.GetValue(negative)!, loraRequests, chosenMethod, options, request,
                    parse.GetValue(clipSkip));
                bool profile = parse.GetValue(profileMissing);
                var resolver = new LoraProfileResolver(profile ? new LoraProfiler(new GeneratorProfileSource(generator)) : null) { ProfileMissing = profile };

                GenerationOutput? result = null;
                console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(context =>
                    {
                        // Sidecar profiles order CMLoRA's LoRAs; --profile-missing makes the missing ones first.
                        ProgressTask? profiling = null;
                        var resolved = resolver.Resolve(job, p =>
                        {
                            profiling ??= context.AddTask("profiling", maxValue: 1);
                            profiling.Value = p.Fraction;
                            profiling.Description = Markup.Escape($"profiling {p.LoraId} · image {p.Image}/{p.Images} · step {p.Step}/{p.Steps}");
                        });
                        foreach (var warning in resolved.Loras.Select(l => l.Warning).OfType<string>()) error.WriteLine($"warning: {warning}");
                        job = resolved.Job;
                        var task = context.AddTask($"{job.EffectiveMethod} · {request.Steps} steps", maxValue: request.Steps);
                        result = generator.Generate(job, p =>
                        {
                            task.Value = p.Step;
                            task.Description = $"{job.EffectiveMethod} · step {p.Step}/{p.Total} · {p.StepsPerSecond:F2} it/s" +
                                               (p.DominantLora is { } d ? $" · dominant {d}" : "");
                        });
                    });

                // The recipe names the model and LoRAs by content hash, so `cmlora recipe` and the studio can re-run it exactly.
                var recipe = GenerationRecipe.From(result!, ModelHashing.Compute(modelPath), settings);
                byte[] png = PngMetadata.Embed(result!.Png, Infotext.Format(recipe), RecipeJson.Serialize(recipe));
                var file = parse.GetValue(output)!;
                file.Directory?.Create();
                File.WriteAllBytes(file.FullName, png);
                PrintSummary(console, result, file.FullName, modelPath);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or IOException or InvalidOperationException or NotSupportedException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static CompositionMethod ParseMethod(string? name, int loraCount) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" => loraCount == 0 ? CompositionMethod.None : CompositionMethod.CmLora,
        "none" => CompositionMethod.None,
        "merge" => CompositionMethod.Merge,
        "switch" => CompositionMethod.Switch,
        "composite" => CompositionMethod.Composite,
        "cmlora" => CompositionMethod.CmLora,
        _ => throw new ArgumentException($"unknown method '{name}': use merge, switch, composite, cmlora or none"),
    };

    private static CompositionOptions? BuildOptions(CompositionMethod method, int? cacheInterval, int? maxAge, int? switchStep)
    {
        switch (method)
        {
            case CompositionMethod.CmLora:
                var cm = new CmLoraOptions();
                if (cacheInterval is { } c) cm = cm with { DominantRefresh = RefreshSpec.Uniform(c), NonDominantRefresh = RefreshSpec.Uniform(2 * c) };
                if (maxAge is { } a) cm = cm with { MaxAge = a };
                return cm;
            case CompositionMethod.Switch when switchStep is { } s:
                return new SwitchOptions { SwitchStep = s };
            default:
                if (cacheInterval is not null || maxAge is not null)
                    throw new ArgumentException("--cache-interval and --max-age apply to --method cmlora");
                return null;
        }
    }

    private static void PrintSummary(IAnsiConsole console, GenerationOutput result, string path, string modelPath)
    {
        var table = new Table().AddColumn("item").AddColumn("value");
        table.AddRow("image", Markup.Escape(path));
        table.AddRow("model", Markup.Escape(modelPath));
        table.AddRow("method", result.Method.ToString());
        if (result.LoraOrder.Count > 0) table.AddRow("LoRAs", Markup.Escape(string.Join(", ", result.LoraOrder)));
        if (result.FrequencyOrder is { } order)
            table.AddRow("frequency order", Markup.Escape(string.Join(" → ", order.All.Select(o =>
                $"{o.Slot.Id} ({o.Band.ToString().ToLowerInvariant()}, by {(o.Source == BandSource.Score ? "profile" : "category")})"))));
        table.AddRow("seed", $"{result.Parameters.Request.Seed} ({result.Parameters.Noise.Rng})");
        table.AddRow("sampler", $"{result.Parameters.Sampler}, {result.Parameters.Request.Steps} steps, CFG {result.Parameters.Request.GuidanceScale}");
        table.AddRow("UNet evaluations", $"{result.Stats.FullEvaluations} full + {result.Stats.CachedEvaluations} cached in {result.Stats.UNetCalls} calls" +
                                         (result.Stats.MergedWeights ? " (weights merged)" : ""));
        table.AddRow("time", $"text {result.Stats.TextEncodeSeconds:F2} s · denoise {result.Stats.DenoiseSeconds:F2} s · decode {result.Stats.DecodeSeconds:F2} s");
        console.Write(table);
    }
}
