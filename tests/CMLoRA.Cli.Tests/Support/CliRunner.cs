using System.CommandLine;

namespace CMLoRA.Cli.Tests.Support;

/// <summary>Invokes <see cref="CliApp.BuildRoot"/> as Program.cs does, with stdout and stderr captured.</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        int exitCode = await CliApp.BuildRoot().Parse(args).InvokeAsync(configuration);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
