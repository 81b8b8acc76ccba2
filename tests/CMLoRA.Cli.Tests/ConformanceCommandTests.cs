using CMLoRA.Cli.Tests.Support;
using CMLoRA.Engine.Tensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Tests;

/// <summary>`cmlora conformance` on the shared tiny reference, on a tampered copy, and on unusable directories.</summary>
public class ConformanceCommandTests(ITestOutputHelper log)
{
    private static readonly string[] Layouts = ["diffusers", "ldm"];

    [Fact]
    public async Task TheTinyReferenceConformsAndEveryTensorIsWrittenAndListed()
    {
        using var output = new TempDirectory();

        var result = await CliRunner.RunAsync("conformance", RepoPaths.TinyReference, "--out", output.Path, "--threads", "1");

        log.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        var files = new[] { "outputs.safetensors" }
            .Concat(Directory.GetFiles(RepoPaths.TinyReference, "sampling_*.safetensors").Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal))
            .ToList();
        Assert.Equal(9, files.Count);
        Assert.Equal(files.Order(StringComparer.Ordinal), Directory.GetFiles(output.Path).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal));
        var lines = result.Output.Split('\n');
        int rows = 0;
        foreach (string file in files)
        {
            using var reference = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, file));
            using var ours = SafetensorsFile.Open(output.File(file));
            Assert.Equal(reference.Names.Order(StringComparer.Ordinal), ours.Names.Order(StringComparer.Ordinal));
            string stem = Path.GetFileNameWithoutExtension(file);
            foreach (string layout in file == "outputs.safetensors" ? Layouts : ["diffusers"])
            {
                foreach (string name in reference.Names)
                {
                    Assert.Single(lines, l => l.Contains($"│ {stem} ") && l.Contains($"│ {name} ") && l.Contains($"│ {layout} ") && l.Contains("│ ok "));
                    rows++;
                }
            }
        }
        Assert.Equal(2 * 15 + 8 * 70 - 1, rows); // DDIM walks no sigmas
        Assert.Contains($"{rows} compared: {rows} passed, 0 failed; 0 not computed. Layouts: diffusers, ldm. 9 files written to {output.Path}", result.Output);
    }

    [Fact]
    public async Task WhatIsWrittenIsWhatWasCompared()
    {
        using var output = new TempDirectory();
        using var reference = new TempDirectory();
        CopySubset(reference.Path, "sampling_dpmpp2m_linspace_lora");

        var result = await CliRunner.RunAsync("conformance", reference.Path, "--out", output.Path, "--threads", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var ours = SafetensorsFile.Open(output.File("sampling_dpmpp2m_linspace_lora.safetensors"));
        using var expected = SafetensorsFile.Open(Path.Combine(reference.Path, "sampling_dpmpp2m_linspace_lora.safetensors"));
        foreach (string name in new[] { "step09_latents_out", "final_latents", "decoded_raw" })
        {
            using var a = ours.ReadTensor(name);
            using var b = expected.ReadTensor(name);
            double relative = (a - b).norm().item<float>() / b.norm().item<float>();
            Assert.True(relative <= 1e-3, $"{name}: relative error {relative}");
        }
        using var outputs = SafetensorsFile.Open(output.File("outputs.safetensors"));
        using var lora = outputs.ReadTensor("lora_unet_noise_pred_t999");
        using var plain = outputs.ReadTensor("unet_noise_pred_t999");
        using var referenceOutputs = SafetensorsFile.Open(Path.Combine(reference.Path, "outputs.safetensors"));
        using var loraReference = referenceOutputs.ReadTensor("lora_unet_noise_pred_t999");
        Assert.True((lora - loraReference).abs().max().item<float>() < 1e-5f);
        Assert.False((lora - plain).abs().max().item<float>() < 1e-3f, "the LoRA output equals the plain one");
    }

    [Fact]
    public async Task ATamperedReferenceTensorExitsThreeAndIsNamed()
    {
        using var reference = new TempDirectory();
        using var output = new TempDirectory();
        CopySubset(reference.Path, "sampling_euler_leading", withLora: false);
        ScaleTensor(Path.Combine(reference.Path, "outputs.safetensors"), "vae_decode", 1.01);
        ScaleTensor(Path.Combine(reference.Path, "sampling_euler_leading.safetensors"), "final_latents", 1.01);

        var result = await CliRunner.RunAsync("conformance", reference.Path, "--out", output.Path, "--threads", "1");

        log.WriteLine(result.ToString());
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            "error: 2 tensor(s) exceed their tolerance: outputs.safetensors:vae_decode (diffusers), sampling_euler_leading.safetensors:final_latents (diffusers)",
            result.Error.Trim());
        var lines = result.Output.Split('\n');
        // ‖x − 1.01x‖ / ‖1.01x‖ = 0.01 / 1.01
        Assert.Single(lines, l => l.Contains("│ vae_decode ") && l.Contains("│ 9.90e-03 ") && l.Contains("│ FAIL"));
        Assert.Single(lines, l => l.Contains("│ final_latents ") && l.Contains("│ 9.90e-03 ") && l.Contains("│ FAIL"));
        Assert.Single(lines, l => l.Contains("│ unet_noise_pred_t999 ") && l.Contains("│ ok "));
        Assert.Single(lines, l => l.Contains("│ step09_latents_out ") && l.Contains("│ ok "));
        // Without weights/lora the LoRA outputs are skipped, not failed.
        Assert.Single(lines, l => l.Contains("│ lora_unet_noise_pred_t999 ") && l.Contains("│ not computed: no LoRA file in weights/lora"));
    }

    [Fact]
    public async Task AMissingReferenceDirectoryExitsTwo()
    {
        using var output = new TempDirectory();
        string missing = Path.Combine(output.Path, "no-such-reference");

        var result = await CliRunner.RunAsync("conformance", missing, "--out", output.File("out"), "--threads", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: reference directory not found: {missing}", result.Error.Trim());
        Assert.False(Directory.Exists(output.File("out")));
    }

    [Fact]
    public async Task ADirectoryWithoutInputsExitsTwo()
    {
        using var reference = new TempDirectory();

        var result = await CliRunner.RunAsync("conformance", reference.Path, "--out", reference.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {reference.Path} has no inputs.safetensors", result.Error.Trim());
    }

    [Fact]
    public async Task WritingIntoTheReferenceDirectoryIsRefused()
    {
        var result = await CliRunner.RunAsync("conformance", RepoPaths.TinyReference, "--out", RepoPaths.TinyReference + "/");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: the output directory must differ from the reference directory ({RepoPaths.TinyReference})", result.Error.Trim());
    }

    /// <summary>The diffusers weights, inputs, component outputs, config and one sampling run (and the LoRA folder).</summary>
    private static void CopySubset(string destination, string run, bool withLora = true)
    {
        string source = RepoPaths.TinyReference;
        CopyDirectory(Path.Combine(source, "weights", "diffusers"), Path.Combine(destination, "weights", "diffusers"));
        if (withLora) CopyDirectory(Path.Combine(source, "weights", "lora"), Path.Combine(destination, "weights", "lora"));
        foreach (string file in new[] { "config.json", "inputs.safetensors", "outputs.safetensors", "outputs_f64.safetensors", run + ".json", run + ".safetensors" })
            File.Copy(Path.Combine(source, file), Path.Combine(destination, file));
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(source)) CopyDirectory(folder, Path.Combine(destination, Path.GetFileName(folder)));
    }

    /// <summary>Rewrites <paramref name="path"/> with tensor <paramref name="name"/> multiplied by <paramref name="factor"/>.</summary>
    private static void ScaleTensor(string path, string name, double factor)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        Dictionary<string, string> metadata;
        using (var file = SafetensorsFile.Open(path))
        {
            metadata = file.Metadata.ToDictionary();
            foreach (string n in file.Names)
            {
                var t = file.ReadTensor(n);
                if (n == name)
                {
                    var scaled = t * factor;
                    t.Dispose();
                    t = scaled;
                }
                tensors.Add(KeyValuePair.Create(n, t));
            }
        }
        SafetensorsWriter.Write(path, tensors, metadata);
        foreach (var (_, t) in tensors) t.Dispose();
    }
}
