using System.Security.Cryptography;
using System.Text.Json;
using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Cli.Tests;

public class InspectCommandTests
{
    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task InspectPrintsTheHashesOfTheTinyLora()
    {
        var result = await CliRunner.RunAsync("inspect", RepoPaths.TinyLora);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("│ SHA-256 ") && l.Contains(Sha256(RepoPaths.TinyLora)));
        Assert.Single(lines, l => l.Contains("│ AutoV2 ") && l.Contains(Sha256(RepoPaths.TinyLora)[..10]));
        Assert.Single(lines, l => l.Contains("│ A1111 Lora hash "));
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task InspectJsonParsesAndCarriesTheSha256()
    {
        var result = await CliRunner.RunAsync("inspect", RepoPaths.TinyLora, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(Sha256(RepoPaths.TinyLora), root.GetProperty("hashes").GetProperty("sha256").GetString());
        Assert.Equal("lora_kohya.safetensors", root.GetProperty("fileName").GetString());
        Assert.True(root.GetProperty("moduleCount").GetInt32() > 0);
    }

    [Fact]
    public async Task APickleIsRefusedWithExitCodeTwo()
    {
        using var folder = new TempDirectory();
        string pickle = folder.File("model.ckpt");
        // pickle.dumps({"state_dict": {"w": [0.0] * 4}}, protocol=2)
        File.WriteAllBytes(pickle, Convert.FromHexString(
            "80027d7100580a00000073746174655f6469637471017d710258010000007771035d71042847000000000000000047000000000000" +
            "00004700000000000000004700000000000000006573732e"));

        var result = await CliRunner.RunAsync("inspect", pickle);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: model.ckpt: ", result.Error);
        Assert.Contains(PickleDetector.Explanation, result.Error);
        Assert.Equal("", result.Output);
    }
}
