using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using CMLoRA.Engine.World;
using Spectre.Console;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora world train-classifier` and `cmlora world eval-classifier`: the concept classifier that judges LoRA outputs.</summary>
public static class WorldClassifierCommand
{
    public static Command CreateTrain()
    {
        var output = new Option<string>("--out") { Description = "Safetensors file for the trained weights", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimiser steps", DefaultValueFactory = _ => 1500 };
        var batch = new Option<int>("--batch-size") { Description = "Pictures per step", DefaultValueFactory = _ => 24 };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => 2e-3f };
        var seed = new Option<long>("--seed") { Description = "Seed of the initial weights and of every batch", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for torch", DefaultValueFactory = _ => 2 };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file (default: OUT.ckpt); an existing one is resumed" };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => 100 };
        var fresh = new Option<bool>("--fresh") { Description = "Ignore an existing checkpoint and start again" };
        var evalCount = new Option<int>("--eval-count") { Description = "Held-out pictures to measure at the end", DefaultValueFactory = _ => 1000 };
        var command = new Command("train-classifier", "Train the concept classifier on rendered pictures (resumable)")
            { output, steps, batch, lr, seed, threads, checkpoint, every, fresh, evalCount };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.For(parse);
            var settings = new ClassifierTrainingSettings(parse.GetValue(steps), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(seed), parse.GetValue(every));
            if (settings.Steps <= 0 || settings.BatchSize <= 0 || settings.CheckpointEvery <= 0)
                return Fail(console, "--steps, --batch-size and --checkpoint-every must be positive.");
            set_num_threads(Math.Max(1, parse.GetValue(threads)));
            string weights = parse.GetValue(output)!;
            string checkpointPath = parse.GetValue(checkpoint) ?? weights + ".ckpt";

            ConceptClassifierTrainer trainer;
            try
            {
                trainer = File.Exists(checkpointPath) && !parse.GetValue(fresh)
                    ? ConceptClassifierTrainer.Resume(checkpointPath, settings)
                    : new ConceptClassifierTrainer(settings);
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
            {
                return Fail(console, e.Message + " (add --fresh to start again)");
            }
            // Ctrl+C or SIGTERM stops training after the current step and writes the checkpoint; handled here as well as
            // through the invocation token so that the signal cannot end the process before the checkpoint is written.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using (trainer)
            {
                if (trainer.ResumedFrom > 0) console.MarkupLine($"Resuming from step {trainer.ResumedFrom} of {settings.Steps} ({Markup.Escape(checkpointPath)}).");
                try
                {
                    // Training runs off the invocation thread so that Ctrl+C reaches the token while a step computes;
                    // the trainer then writes its checkpoint before stopping.
                    await Task.Run(() => console.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask("training", maxValue: settings.Steps);
                            task.Value = trainer.Step;
                            trainer.Train(settings.Steps, checkpointPath, p =>
                            {
                                task.Value = p.Step;
                                task.Description = $"step {p.Step}/{p.Steps} loss {p.AverageLoss:F4}";
                            }, stop.Token);
                        }), CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                    console.MarkupLine($"Stopped at step {trainer.Step}; the checkpoint {Markup.Escape(checkpointPath)} resumes it.");
                    return ExitCodes.Cancelled;
                }

                var report = ClassifierEvaluator.Evaluate(trainer.Model, ClassifierEvaluator.HeldOutSet(parse.GetValue(evalCount)));
                var metadata = new Dictionary<string, string>(trainer.Metadata())
                {
                    ["held_out_seed"] = ClassifierEvaluator.HeldOutSeed.ToString(CultureInfo.InvariantCulture),
                    ["held_out_images"] = report.Images.ToString(CultureInfo.InvariantCulture),
                    ["held_out_mean_category_accuracy"] = report.MeanCategoryAccuracy.ToString("F4", CultureInfo.InvariantCulture),
                    ["held_out_all_categories_correct"] = report.AllCategoriesCorrect.ToString("F4", CultureInfo.InvariantCulture),
                    ["held_out_novel_mean_f1"] = report.NovelMeanF1.ToString("F4", CultureInfo.InvariantCulture),
                };
                trainer.Model.Save(weights, metadata);
                WriteReport(console, report);
                console.MarkupLine($"Wrote [bold]{Markup.Escape(weights)}[/] ({new FileInfo(weights).Length / 1024} KiB).");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateEvaluate()
    {
        var weights = new Option<string?>("--weights") { Description = "Safetensors weights (default: the built-in classifier)" };
        var count = new Option<int>("--count") { Description = "Held-out pictures", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the held-out set", DefaultValueFactory = _ => ClassifierEvaluator.HeldOutSeed };
        var degraded = new Option<bool>("--degraded") { Description = "Blur, half-resolution round trip and noise first, like a generator's output" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for torch", DefaultValueFactory = _ => 2 };
        var command = new Command("eval-classifier", "Measure the concept classifier on a fixed-seed rendered test set") { weights, count, seed, degraded, threads };
        command.SetAction(parse =>
        {
            set_num_threads(Math.Max(1, parse.GetValue(threads)));
            using var model = parse.GetValue(weights) is { } path ? ConceptClassifier.Load(path) : ConceptClassifier.LoadBuiltIn();
            var scenes = ClassifierEvaluator.HeldOutSet(parse.GetValue(count), parse.GetValue(seed));
            var report = ClassifierEvaluator.Evaluate(model, scenes, parse.GetValue(degraded) ? ClassifierAugmenter.Degrade : null);
            WriteReport(CliConsole.For(parse), report);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteReport(IAnsiConsole console, ClassifierReport report)
    {
        var categories = new Table().AddColumn("category").AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var (category, accuracy) in report.CategoryAccuracy) categories.AddRow(category.ToString(), $"{accuracy:P1}");
        categories.AddRow("[bold]mean[/]", $"[bold]{report.MeanCategoryAccuracy:P1}[/]");
        categories.AddRow("all five right", $"{report.AllCategoriesCorrect:P1}");
        console.Write(categories);
        var concepts = new Table().AddColumn("concept").AddColumn("trigger").AddColumn(new TableColumn("F1").RightAligned());
        foreach (var concept in ConceptCatalog.All) concepts.AddRow(concept.Id, concept.Trigger ?? "", $"{report.ConceptF1[concept.Id]:F3}");
        console.Write(concepts);
        console.MarkupLine($"{report.Images} held-out pictures; mean F1 {report.MeanF1:F3}, novel concepts mean F1 {report.NovelMeanF1:F3}.");
    }

    private static int Fail(IAnsiConsole console, string message)
    {
        console.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return ExitCodes.BadInput;
    }
}
