using CMLoRA.Engine.Conformance;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Conformance;

/// <summary>
/// The runner on reference directories other than the shared one: subsets with names it does not know and runs it
/// cannot reproduce (reported as not computed, never as failures), and unusable directories. The full tiny reference
/// runs in tests/CMLoRA.Cli.Tests through the verb.
/// </summary>
public class ConformanceRunnerTests
{
    private static string Tiny => RepoPaths.TinyReference;

    [Fact]
    public void UnknownNamesAndUnreproducibleRunsAreNotComputedAndTheRestIsCompared()
    {
        using var reference = new TempDirectory();
        using var output = new TempDirectory();
        CopyDirectory(Path.Combine(Tiny, "weights", "diffusers"), Path.Combine(reference.Path, "weights", "diffusers"));
        File.Copy(Path.Combine(Tiny, "inputs.safetensors"), reference.File("inputs.safetensors"));
        using (var outputs = SafetensorsFile.Open(Path.Combine(Tiny, "outputs.safetensors")))
        {
            using var clip = outputs.ReadTensor("clip_last_hidden_state");
            using var unet = outputs.ReadTensor("unet_noise_pred_t500");
            using var vae = outputs.ReadTensor("vae_decode");
            using var mystery = ones(3);
            SafetensorsWriter.Write(reference.File("outputs.safetensors"), new Dictionary<string, Tensor>
            {
                ["clip_last_hidden_state"] = clip,
                ["clip_hidden_states_7"] = clip,
                ["lora_clip_last_hidden_state"] = clip,
                ["unet_noise_pred_t500"] = unet,
                ["unet_noise_pred_t42"] = unet,
                ["vae_decode"] = vae,
                ["mystery"] = mystery,
            });
        }
        // A run whose scheduler this engine does not implement, and a run without its .json.
        File.WriteAllText(reference.File("sampling_lms.json"),
            File.ReadAllText(Path.Combine(Tiny, "sampling_euler_leading.json")).Replace("EulerDiscreteScheduler", "LMSDiscreteScheduler"));
        File.Copy(Path.Combine(Tiny, "sampling_euler_leading.safetensors"), reference.File("sampling_lms.safetensors"));
        File.Copy(Path.Combine(Tiny, "sampling_euler_leading.safetensors"), reference.File("sampling_nojson.safetensors"));
        var stages = new List<ConformanceProgress>();

        var report = ConformanceRunner.Run(new ConformanceOptions(reference.Path, output.Path), stages.Add);

        var components = report.Rows.Where(r => r.File == "outputs.safetensors").ToDictionary(r => r.Tensor);
        Assert.Equal(7, components.Count);
        Assert.All(["clip_last_hidden_state", "unet_noise_pred_t500", "vae_decode"], name =>
        {
            Assert.Equal(ConformanceStatus.Pass, components[name].Status);
            Assert.True(components[name].RelativeError < 1e-5, $"{name}: {components[name].RelativeError}");
            Assert.Null(components[name].Fp64Gap); // no outputs_f64.safetensors here
        });
        Assert.Equal("the text encoder has 3 hidden states", components["clip_hidden_states_7"].Note);
        Assert.Equal("no LoRA file in weights/lora", components["lora_clip_last_hidden_state"].Note);
        Assert.Equal("timestep 42 is not in unet_timesteps", components["unet_noise_pred_t42"].Note);
        Assert.Equal("unknown tensor name", components["mystery"].Note);
        Assert.All(components.Values.Where(r => r.Note is not null), r => Assert.Equal(ConformanceStatus.NotComputed, r.Status));

        var lms = report.Rows.Where(r => r.File == "sampling_lms.safetensors").ToList();
        Assert.Equal(70, lms.Count);
        Assert.All(lms, r => Assert.Equal(ConformanceStatus.NotComputed, r.Status));
        Assert.StartsWith("Scheduler class 'LMSDiscreteScheduler' is not implemented", lms[0].Note);
        var noJson = report.Rows.Where(r => r.File == "sampling_nojson.safetensors").ToList();
        Assert.Equal(70, noJson.Count);
        Assert.All(noJson, r => Assert.Equal("sampling_nojson.json is missing", r.Note));

        Assert.True(report.Passed);
        Assert.Equal(3, report.Compared);
        Assert.Equal(["diffusers"], report.Layouts);
        Assert.Equal([output.File("outputs.safetensors")], report.WrittenFiles);
        using (var written = SafetensorsFile.Open(output.File("outputs.safetensors")))
            Assert.Equal(["clip_last_hidden_state", "unet_noise_pred_t500", "vae_decode"], written.Names.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["loading diffusers weights 0/4", "components (diffusers) 1/4", "sampling lms 2/4", "sampling nojson 3/4", "done 4/4"],
            stages.Select(s => $"{s.Stage} {s.Done}/{s.Total}"));
    }

    [Fact]
    public void AReferenceWithoutWeightsIsRefused()
    {
        using var reference = new TempDirectory();
        File.Copy(Path.Combine(Tiny, "inputs.safetensors"), reference.File("inputs.safetensors"));
        File.Copy(Path.Combine(Tiny, "outputs.safetensors"), reference.File("outputs.safetensors"));

        var error = Assert.Throws<ConformanceInputException>(() => ConformanceRunner.Run(new ConformanceOptions(reference.Path, reference.File("out"))));

        Assert.Equal($"{reference.Path} has no weights: expected a diffusers folder weights/diffusers/ or a single-file checkpoint weights/ldm/*.safetensors",
            error.Message);
    }

    [Fact]
    public void AReferenceWithoutOutputsIsRefused()
    {
        using var reference = new TempDirectory();
        File.Copy(Path.Combine(Tiny, "inputs.safetensors"), reference.File("inputs.safetensors"));
        Directory.CreateDirectory(Path.Combine(reference.Path, "weights", "diffusers"));

        var error = Assert.Throws<ConformanceInputException>(() => ConformanceRunner.Run(new ConformanceOptions(reference.Path, reference.File("out"))));

        Assert.Equal($"{reference.Path} has no reference outputs: expected outputs.safetensors or sampling_<run>.safetensors files", error.Message);
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(source)) CopyDirectory(folder, Path.Combine(destination, Path.GetFileName(folder)));
    }
}
