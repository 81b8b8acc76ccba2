using System.CommandLine;
using System.Diagnostics;
using CMLoRA.Engine.Devices;
using Spectre.Console;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora info`: versions, the chosen device and a quick check that the native engine computes.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N", DefaultValueFactory = _ => "auto" };
        var command = new Command("info", "Show engine versions and device, and run a quick self-check") { device };
        command.SetAction(parse =>
        {
            var chosen = ComputeDevice.Select(parse.GetValue(device));
            var watch = Stopwatch.StartNew();
            using var a = randn(512, 512, device: chosen.Device);
            using var product = a.matmul(a);
            using var spectrum = fft.fft2(a);
            double seconds = watch.Elapsed.TotalSeconds;

            var table = new Table().AddColumn("item").AddColumn("value");
            table.AddRow("engine", EngineInfo.EngineVersion);
            table.AddRow("TorchSharp", EngineInfo.TorchSharpVersion);
            table.AddRow("device", chosen.Description);
            table.AddRow("threads", get_num_threads().ToString());
            table.AddRow("self-check (512² matmul + FFT)", $"{seconds * 1000:F1} ms");
            CliConsole.For(parse).Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
