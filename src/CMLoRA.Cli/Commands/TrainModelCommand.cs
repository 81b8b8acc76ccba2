using System.CommandLine;
using CMLoRA.Engine.Training;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora train model`: the built-in UNet and text encoder on VAE latents of captioned base-world scenes.</summary>
internal static class TrainModelCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (tokenizer, VAE copy, latents, checkpoints, losses, loss.svg)", Required = true };
        var vae = new Option<string?>("--vae") { Description = "The trained VAE: a `train vae` run folder or a diffusers VAE folder (not needed with --resume)" };
        var dataset = new Option<int?>("--dataset") { Description = "Base-world scenes encoded once into the latent dataset" };
        var vocabulary = new Option<int?>("--vocab-size") { Description = "Target size of the learned BPE vocabulary" };
        var common = new TrainCommand.Common();
        var command = new Command("model", "Train the built-in UNet + text encoder (ε-prediction, 10% caption dropout)") { run, vae, dataset, vocabulary };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            common.ApplyThreads(parse);
            try
            {
                DiffusionTrainer trainer;
                if (parse.GetValue(common.Resume))
                {
                    trainer = DiffusionTrainer.Resume(parse.GetValue(run)!, parse.GetValue(common.Steps));
                }
                else
                {
                    if (parse.GetValue(vae) is not { } vaePath) return Task.FromResult(TrainCommand.Fail(parse, "--vae is required to start a run"));
                    var options = new DiffusionTrainingOptions { VaePath = vaePath };
                    if (parse.GetValue(common.Steps) is { } steps) options = options with { Steps = steps };
                    if (parse.GetValue(common.Batch) is { } batch) options = options with { BatchSize = batch };
                    if (parse.GetValue(common.Seed) is { } seed) options = options with { Seed = seed };
                    if (parse.GetValue(common.LearningRate) is { } rate) options = options with { LearningRate = rate };
                    if (parse.GetValue(common.CheckpointEvery) is { } every) options = options with { CheckpointEvery = every };
                    if (parse.GetValue(dataset) is { } size) options = options with { DatasetSize = size };
                    if (parse.GetValue(vocabulary) is { } vocab) options = options with { VocabularySize = vocab };
                    DiffusionTrainer? started = null;
                    AnsiConsole.Progress().Start(context =>
                    {
                        var task = context.AddTask("learning the tokenizer, encoding the dataset", maxValue: options.DatasetSize);
                        started = DiffusionTrainer.Start(parse.GetValue(run)!, options, done => task.Value = done, cancellationToken);
                    });
                    trainer = started!;
                    AnsiConsole.MarkupLine($"Tokenizer: {trainer.Tokenizer.VocabularySize} tokens; dataset: {options.DatasetSize} latents.");
                }
                using (trainer)
                {
                    int code = TrainCommand.RunWithProgress("model", trainer.StartStep, trainer.Options.Steps,
                        report => trainer.Train(report, cancellationToken), out var result);
                    if (result.Completed)
                        AnsiConsole.MarkupLine($"Done. Export with [bold]cmlora train export --run {Markup.Escape(trainer.Run.Path)} --out models/builtin[/].");
                    return Task.FromResult(code);
                }
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(ExitCodes.Cancelled);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
            {
                return Task.FromResult(TrainCommand.Fail(parse, e.Message));
            }
        });
        return command;
    }
}
