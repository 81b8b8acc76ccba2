using System.CommandLine;
using CMLoRA.Cli.Commands;

namespace CMLoRA.Cli;

/// <summary>The <c>cmlora</c> command tree; Program.cs invokes it and tests build the same tree with captured output.</summary>
public static class CliApp
{
    public const string Description =
        "CMLoRA Studio command-line tool: generate images with several LoRAs, inspect and profile LoRA files, check conformance, benchmark.";

    /// <summary>A fresh root command with every verb. Each verb lives in Commands/&lt;Verb&gt;Command.cs and registers itself here.</summary>
    public static RootCommand BuildRoot() => new(Description)
    {
        InfoCommand.Create(),
        InspectCommand.Create(),
        GenerateCommand.Create(),
        RecipeCommand.Create(),
        ConformanceCommand.Create(),
        BenchCommand.Create(),
        ProfileCommand.Create(),
        WorldCommand.Create(),
        TrainCommand.Create(),
    };
}
