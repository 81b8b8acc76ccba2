using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Devices;

namespace CMLoRA.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public async Task InfoPrintsVersionsAndTheChosenDevice()
    {
        var result = await CliRunner.RunAsync("info", "--device", "cpu");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("│ device ") && l.Contains(ComputeDevice.Select("cpu").Description));
        Assert.Single(lines, l => l.Contains("│ TorchSharp ") && l.Contains(EngineInfo.TorchSharpVersion));
        Assert.Single(lines, l => l.Contains("│ self-check (512² matmul + FFT) ") && l.Contains(" ms "));
    }

    [Fact]
    public async Task AnUnknownDeviceIsAnError()
    {
        var result = await CliRunner.RunAsync("info", "--device", "tpu");

        Assert.NotEqual(0, result.ExitCode);
    }
}
