using System.CommandLine;
using CMLoRA.Engine.Training;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora train lora`: a kohya LoRA from a folder of captioned pictures, or from a novel world concept.</summary>
internal static class TrainLoraCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Base model (diffusers folder with tokenizer; default: the built-in model)" };
        var data = new Option<string?>("--data") { Description = "Folder of pictures with captions.jsonl or a .txt caption per picture" };
        var concept = new Option<string?>("--concept") { Description = "Trigger word of a novel world concept: render its pictures instead of --data" };
        var images = new Option<int?>("--images") { Description = "Pictures rendered for --concept" };
        var trigger = new Option<string?>("--trigger") { Description = "Trigger word for the metadata (default: the concept's)" };
        var rank = new Option<int?>("--rank") { Description = "LoRA rank (4–8 is typical)" };
        var alpha = new Option<float?>("--alpha") { Description = "Network alpha (default: the rank, i.e. scale 1)" };
        var noText = new Option<bool>("--no-text-encoder") { Description = "Train UNet layers only (no lora_te_*)" };
        var half = new Option<bool>("--fp16") { Description = "Store the factors as float16" };
        var output = new Option<string>("--out") { Description = "The LoRA .safetensors file to write", Required = true };
        var run = new Option<string?>("--run") { Description = "Run folder for checkpoints (default: OUT without extension + '-run')" };
        var common = new TrainCommand.Common();
        var command = new Command("lora", "Train a LoRA (kohya format with ss_* metadata) on the built-in or another diffusers model")
        {
            model, data, concept, images, trigger, rank, alpha, noText, half, output, run,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            common.ApplyThreads(parse);
            string outPath = parse.GetValue(output)!;
            string runPath = parse.GetValue(run) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, Path.GetFileNameWithoutExtension(outPath) + "-run");
            try
            {
                LoraTrainer? opened = null;
                AnsiConsole.Progress().Start(context =>
                {
                    var task = context.AddTask("encoding the pictures", maxValue: 1);
                    void Report(int done) { task.MaxValue = Math.Max(task.MaxValue, done); task.Value = done; }
                    opened = parse.GetValue(common.Resume)
                        ? LoraTrainer.Resume(runPath, parse.GetValue(common.Steps), Report)
                        : LoraTrainer.Start(runPath, Options(parse, common, outPath) with
                        {
                            ModelPath = parse.GetValue(model) ?? BuiltInModel.Locate(),
                            DataPath = parse.GetValue(data),
                            Concept = parse.GetValue(concept),
                        }, Report);
                });
                using var trainer = opened!;
                {
                    AnsiConsole.MarkupLine($"{trainer.ImageCount} pictures, {trainer.Network.Layers.Count} LoRA layers of rank {trainer.Options.Rank}.");
                    int code = TrainCommand.RunWithProgress("lora", trainer.StartStep, trainer.Options.Steps,
                        report => trainer.Train(report, cancellationToken), out var result);
                    if (result.Completed)
                        AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(trainer.Save(result, outPath))}[/].");
                    return Task.FromResult(code);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException or InvalidDataException)
            {
                return Task.FromResult(TrainCommand.Fail(parse, e.Message));
            }
        });

        LoraTrainingOptions Options(ParseResult parse, TrainCommand.Common common, string outPath)
        {
            var options = new LoraTrainingOptions { ModelPath = "", OutputPath = Path.GetFullPath(outPath) };
            if (parse.GetValue(images) is { } count) options = options with { Images = count };
            if (parse.GetValue(trigger) is { } word) options = options with { Trigger = word };
            if (parse.GetValue(rank) is { } r) options = options with { Rank = r };
            if (parse.GetValue(alpha) is { } a) options = options with { Alpha = a };
            if (parse.GetValue(noText)) options = options with { TrainTextEncoder = false };
            if (parse.GetValue(half)) options = options with { HalfPrecision = true };
            if (parse.GetValue(common.Steps) is { } steps) options = options with { Steps = steps };
            if (parse.GetValue(common.Batch) is { } batch) options = options with { BatchSize = batch };
            if (parse.GetValue(common.Seed) is { } seed) options = options with { Seed = seed };
            if (parse.GetValue(common.LearningRate) is { } rate) options = options with { LearningRate = rate };
            if (parse.GetValue(common.CheckpointEvery) is { } every) options = options with { CheckpointEvery = every };
            return options;
        }
        return command;
    }
}
