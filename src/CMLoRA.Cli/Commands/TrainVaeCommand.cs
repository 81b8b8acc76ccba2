using System.CommandLine;
using CMLoRA.Engine.Training;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora train vae`: the built-in VAE on world pictures rendered on the fly; writes RUN/vae/ when done.</summary>
internal static class TrainVaeCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run folder (checkpoints, losses, loss.svg, the finished vae/)", Required = true };
        var common = new TrainCommand.Common();
        var command = new Command("vae", "Train the built-in VAE (64×64 pictures → 16×16×4 latents)") { run };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            common.ApplyThreads(parse);
            try
            {
                using var trainer = parse.GetValue(common.Resume)
                    ? VaeTrainer.Resume(parse.GetValue(run)!, parse.GetValue(common.Steps))
                    : VaeTrainer.Start(parse.GetValue(run)!, Options(parse, common));
                int code = TrainCommand.RunWithProgress("vae", trainer.StartStep, trainer.Options.Steps,
                    report => trainer.Train(report, cancellationToken), out var result);
                if (result.Completed)
                {
                    string folder = trainer.Export();
                    AnsiConsole.MarkupLine($"Wrote the VAE to [bold]{Markup.Escape(folder)}[/].");
                }
                return Task.FromResult(code);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
            {
                return Task.FromResult(TrainCommand.Fail(parse, e.Message));
            }
        });
        return command;
    }

    private static VaeTrainingOptions Options(ParseResult parse, TrainCommand.Common common)
    {
        var options = new VaeTrainingOptions();
        if (parse.GetValue(common.Steps) is { } steps) options = options with { Steps = steps };
        if (parse.GetValue(common.Batch) is { } batch) options = options with { BatchSize = batch };
        if (parse.GetValue(common.Seed) is { } seed) options = options with { Seed = seed };
        if (parse.GetValue(common.LearningRate) is { } rate) options = options with { LearningRate = rate };
        if (parse.GetValue(common.CheckpointEvery) is { } every) options = options with { CheckpointEvery = every };
        return options;
    }
}
