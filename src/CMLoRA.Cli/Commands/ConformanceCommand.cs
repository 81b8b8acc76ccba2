using System.CommandLine;
using CMLoRA.Engine.Conformance;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tensors;
using Spectre.Console;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora conformance REF_DIR --out OUT_DIR [--threads N] [--failures-only]`: runs every component and sampling loop of
/// a reference directory (see docs/conformance.md), writes our tensors under the reference names, prints the error of
/// each, and exits 3 when any exceeds its tolerance, 2 when the directory is unusable.
/// </summary>
public static class ConformanceCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF_DIR") { Description = "Reference directory (e.g. tests/fixtures/reference/tiny_sdlike)" };
        var output = new Option<string>("--out", "-o") { Description = "Directory for outputs.safetensors and sampling_<run>.safetensors", Required = true };
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch CPU threads (results move by about 6e-6 with the thread count)",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var failuresOnly = new Option<bool>("--failures-only") { Description = "List only the tensors outside their tolerance" };
        var command = new Command("conformance", "Compare every component and sampling loop with a reference directory's outputs")
        {
            reference, output, threads, failuresOnly,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(parse, new ConformanceOptions(
            parse.GetValue(reference)!, parse.GetValue(output)!), parse.GetValue(threads), parse.GetValue(failuresOnly), cancellationToken)));
        return command;
    }

    private static int Run(ParseResult parse, ConformanceOptions options, int threads, bool failuresOnly, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        if (threads < 1)
        {
            error.WriteLine($"error: --threads must be at least 1 (got {threads})");
            return ExitCodes.BadInput;
        }
        set_num_threads(threads);
        var console = CliConsole.For(parse);
        ConformanceReport report;
        try
        {
            report = console.Profile.Capabilities.Interactive ? RunWithProgressBar(console, options, cancellationToken) : RunWithLog(console, options, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ConformanceInputException or CheckpointLoadException or SafetensorsFormatException
                                      or LoraFormatException or FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        ConformanceTableRenderer.Render(console, report, failuresOnly);
        if (report.Compared == 0)
        {
            error.WriteLine($"error: nothing in {report.ReferenceDirectory} could be computed (see the table)");
            return ExitCodes.BadInput;
        }
        var failures = report.Failures;
        if (failures.Count == 0) return ExitCodes.Success;
        error.WriteLine($"error: {failures.Count} tensor(s) exceed their tolerance: " +
                        string.Join(", ", failures.Select(f => $"{f.File}:{f.Tensor} ({f.Layout})")));
        return ExitCodes.ToleranceExceeded;
    }

    private static ConformanceReport RunWithProgressBar(IAnsiConsole console, ConformanceOptions options, CancellationToken cancellationToken)
    {
        ConformanceReport? report = null;
        console.Progress().Start(context =>
        {
            var task = context.AddTask("conformance");
            // The runner calls back on this thread; Spectre renders from its own.
            report = ConformanceRunner.Run(options, p =>
            {
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
                task.Description = Markup.Escape(p.Stage);
            }, cancellationToken);
        });
        return report!;
    }

    private static ConformanceReport RunWithLog(IAnsiConsole console, ConformanceOptions options, CancellationToken cancellationToken) =>
        ConformanceRunner.Run(options, p =>
        {
            if (p.Done < p.Total) console.WriteLine($"[{p.Done + 1}/{p.Total}] {p.Stage}");
        }, cancellationToken);
}
