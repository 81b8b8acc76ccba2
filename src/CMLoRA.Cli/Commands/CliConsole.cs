using System.CommandLine;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>Spectre consoles over the invocation's output writer, so that tests capture what a verb prints.</summary>
internal static class CliConsole
{
    /// <summary>Width used when the output is not a terminal (a file, a pipe, a test): wide enough that tables do not wrap names.</summary>
    public const int RedirectedWidth = 200;

    /// <summary>A console on the invocation's output: colours and live widgets on a terminal, plain wide text elsewhere.</summary>
    public static IAnsiConsole For(ParseResult parse)
    {
        var output = new AnsiConsoleOutput(parse.InvocationConfiguration.Output);
        if (output.IsTerminal) return AnsiConsole.Create(new AnsiConsoleSettings { Out = output });
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
