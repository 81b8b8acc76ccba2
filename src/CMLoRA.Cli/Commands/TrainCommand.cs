using System.CommandLine;
using System.Globalization;
using CMLoRA.Engine.Training;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora train …`: the built-in model's recipe (vae, model, export) and the user-facing LoRA trainer (lora). Every
/// trainer checkpoints into its run folder every N steps and on Ctrl-C; `--resume` continues where it stopped.
/// </summary>
public static class TrainCommand
{
    public static Command Create() => new("train", "Train the built-in model (vae → model → export) or a LoRA from captioned pictures")
    {
        TrainVaeCommand.Create(),
        TrainModelCommand.Create(),
        TrainExportCommand.Create(),
        TrainLoraCommand.Create(),
    };

    /// <summary>The options every trainer has.</summary>
    internal sealed class Common
    {
        public Option<long?> Steps { get; } = new("--steps") { Description = "Steps of the whole run (on --resume: a new total to extend it)" };
        public Option<int?> Batch { get; } = new("--batch") { Description = "Samples per step" };
        public Option<long?> Seed { get; } = new("--seed") { Description = "Run seed: data, noise and initial weights derive from it" };
        public Option<double?> LearningRate { get; } = new("--lr") { Description = "Peak learning rate (AdamW)" };
        public Option<int?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Save a checkpoint every N steps" };
        public Option<bool> Resume { get; } = new("--resume") { Description = "Continue the run in the folder from its newest checkpoint" };
        public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads for libtorch (default: all cores)" };

        public void AddTo(Command command)
        {
            command.Options.Add(Steps);
            command.Options.Add(Batch);
            command.Options.Add(Seed);
            command.Options.Add(LearningRate);
            command.Options.Add(CheckpointEvery);
            command.Options.Add(Resume);
            command.Options.Add(Threads);
        }

        public void ApplyThreads(ParseResult parse)
        {
            if (parse.GetValue(Threads) is { } threads) TorchSharp.torch.set_num_threads(threads);
        }
    }

    /// <summary>Runs a trainer under a Spectre progress bar; returns the exit code (130 when stopped by Ctrl-C).</summary>
    internal static int RunWithProgress(string title, long startStep, long totalSteps, Func<Action<TrainingProgress>, TrainingResult> train,
        out TrainingResult result)
    {
        TrainingResult? outcome = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: Math.Max(1, totalSteps));
                task.Value = startStep;
                outcome = train(p =>
                {
                    task.Value = p.Step;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"{title} · {p.Step}/{p.TotalSteps} · loss {p.Loss:F4} (avg {p.SmoothedLoss:F4}) · {p.StepsPerSecond:F2} it/s{(p.CheckpointSaved ? " · saved" : "")}");
                });
                task.Value = outcome.FinalStep;
            });
        result = outcome!;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{(result.Cancelled ? "[yellow]Stopped[/]" : "Done")}: step {result.FinalStep}/{result.TotalSteps}, recent loss {result.FinalLoss:F5}, " +
            $"{result.SessionSeconds:F0} s this session, {result.TotalSeconds:F0} s in total."));
        return result.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    internal static int Fail(ParseResult parse, string message)
    {
        parse.InvocationConfiguration.Error.WriteLine($"error: {message}");
        return ExitCodes.BadInput;
    }
}
