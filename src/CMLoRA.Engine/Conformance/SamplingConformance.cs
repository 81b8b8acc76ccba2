using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Sampling.Samplers;
using CMLoRA.Engine.Tensors;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Conformance;

/// <summary>
/// Replays one reference sampling run through <see cref="TextToImagePipeline"/> with the loaded UNet, VAE and text
/// encoder (and the run's LoRA), compares every tensor of <c>sampling_&lt;run&gt;.safetensors</c> and writes ours
/// under the same names.
/// </summary>
internal static class SamplingConformance
{
    public static List<ConformanceRow> Run(SamplingRunFiles run, ReferenceDirectory reference, ReferenceModels models,
        SafetensorsFile inputs, string outputDirectory, ICollection<string> written, CancellationToken cancellationToken)
    {
        using var file = SafetensorsFile.Open(run.TensorsPath);
        var names = file.Entries.Select(e => e.Name).OrderBy(RunOrder).ThenBy(n => n, StringComparer.Ordinal).ToList();
        List<ConformanceRow> NotComputed(string reason) =>
            names.Select(n => TensorComparison.NotComputed(run.FileName, n, models.Layout, reason)).ToList();

        if (!File.Exists(run.JsonPath)) return NotComputed($"{Path.GetFileName(run.JsonPath)} is missing");
        SamplingRunSpec spec;
        try
        {
            spec = SamplingRunSpec.Read(run, reference);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            return NotComputed(e.Message);
        }
        string? missing = new[] { "sample_prompt_ids", spec.GuidanceScale > 1 ? "sample_negative_ids" : null }
            .FirstOrDefault(n => n is not null && !inputs.Contains(n));
        if (missing is not null) return NotComputed($"input '{missing}' is not in inputs.safetensors");
        if (!inputs.Contains("sample_init_noise") && !file.Contains("init_noise"))
            return NotComputed("no initial noise: neither sample_init_noise in inputs.safetensors nor init_noise in the run");

        Dictionary<string, Tensor> ours;
        try
        {
            ours = Generate(spec, models, inputs, file, cancellationToken);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException)
        {
            return NotComputed(e.Message);
        }
        try
        {
            var rows = new List<ConformanceRow>(names.Count);
            foreach (string name in names)
            {
                if (!ours.TryGetValue(name, out var tensor))
                {
                    rows.Add(TensorComparison.NotComputed(run.FileName, name, models.Layout,
                        name == "sigmas" ? "this sampler walks no sigmas" : "not produced by the pipeline"));
                    continue;
                }
                using var expected = file.ReadTensor(name);
                rows.Add(TensorComparison.Row(run.FileName, name, models.Layout, tensor, expected, ConformanceTolerance.For(run.FileName, name)));
            }
            string path = Path.Combine(outputDirectory, run.FileName);
            SafetensorsWriter.Write(path, names.Where(ours.ContainsKey).Select(n => KeyValuePair.Create(n, ours[n])),
                new Dictionary<string, string> { ["layout"] = models.Layout, ["sampler"] = spec.SamplerName });
            written.Add(path);
            return rows;
        }
        finally
        {
            foreach (var tensor in ours.Values) tensor.Dispose();
        }
    }

    private static readonly string[] Leading = ["timesteps", "sigmas", "alphas_cumprod", "init_noise_sigma", "init_noise", "prompt_embeds", "negative_prompt_embeds"];
    private static readonly string[] PerStep = ["timestep", "unet_input", "noise_pred_uncond", "noise_pred_text", "noise_pred_cfg", "latents_out"];
    private static readonly string[] Trailing = ["final_latents", "decoded_raw", "image_0_1"];

    /// <summary>The order of the reference README: schedule and inputs, embeddings, each step, results; unknown names last.</summary>
    private static int RunOrder(string name)
    {
        int leading = Array.IndexOf(Leading, name);
        if (leading >= 0) return leading;
        int underscore = name.IndexOf('_');
        if (name.StartsWith("step", StringComparison.Ordinal) && underscore > 4
            && int.TryParse(name.AsSpan(4, underscore - 4), System.Globalization.CultureInfo.InvariantCulture, out int step))
        {
            int what = Array.IndexOf(PerStep, name[(underscore + 1)..]);
            return 100 + step * 10 + (what < 0 ? 9 : what);
        }
        int trailing = Array.IndexOf(Trailing, name);
        return trailing >= 0 ? int.MaxValue - 10 + trailing : int.MaxValue;
    }

    private static Dictionary<string, Tensor> Generate(SamplingRunSpec spec, ReferenceModels models, SafetensorsFile inputs,
        SafetensorsFile file, CancellationToken cancellationToken)
    {
        using var guard = no_grad();
        var ours = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        models.UseLora(spec.LoraPath, spec.LoraWeight);
        try
        {
            using (var ids = inputs.ReadTensor("sample_prompt_ids", ScalarType.Int64))
                ours["prompt_embeds"] = models.TextEncoder.EncodePrompt(ids);
            if (inputs.Contains("sample_negative_ids"))
            {
                using var ids = inputs.ReadTensor("sample_negative_ids", ScalarType.Int64);
                ours["negative_prompt_embeds"] = models.TextEncoder.EncodePrompt(ids);
            }
            var noise = ours["init_noise"] = inputs.Contains("sample_init_noise") ? inputs.ReadTensor("sample_init_noise") : file.ReadTensor("init_noise");
            if (noise.dim() != 4) throw new ArgumentException($"initial noise must be [1, 4, h, w], got [{string.Join(", ", noise.shape)}]");
            int steps = spec.Steps ?? (file.Contains("timesteps") ? (int)file["timesteps"].Shape[0]
                : throw new ArgumentException("the run names no num_inference_steps and has no timesteps tensor"));
            var request = new TextToImageRequest(
                Width: spec.Width ?? (int)noise.shape[3] * TextToImageRequest.VaeScale,
                Height: spec.Height ?? (int)noise.shape[2] * TextToImageRequest.VaeScale,
                Steps: steps, GuidanceScale: spec.GuidanceScale, Seed: spec.Seed, Sampler: spec.SamplerName);

            // The pipeline's own sampler is internal to it; one of the same configuration gives ᾱ and the timestep dtype.
            using var twin = SamplerFactory.Create(spec.Kind, spec.Scheduler);
            bool integerTimesteps = twin.Prepare(steps).IntegerTimesteps;
            using var recorder = new SamplingRecorder(models.Unet, spec.GuidanceScale, request.UsesGuidance);
            var pipeline = new TextToImagePipeline(recorder.Predict, models.Vae is { } vae ? recorder.DecoderFor(vae) : null, spec.Scheduler);
            var prompt = ours["prompt_embeds"];
            using (var result = pipeline.Generate(request, prompt, ours.GetValueOrDefault("negative_prompt_embeds") ?? prompt,
                       recorder.OnProgress, initialNoise: noise, cancellationToken: cancellationToken))
            {
                foreach (var (name, tensor) in recorder.Take()) ours[name] = tensor;
                ours["final_latents"] = result.Latents.clone();
                if (result.Image is { } image) ours["image_0_1"] = image.clone();
                AddSchedule(ours, result.Parameters, integerTimesteps, twin);
            }
            return ours;
        }
        catch
        {
            foreach (var tensor in ours.Values) tensor.Dispose();
            throw;
        }
        finally
        {
            models.UseLora(null);
        }
    }

    /// <summary>The schedule the pipeline ran, in the reference's dtypes (int64 timesteps for DPM-Solver and DDIM).</summary>
    private static void AddSchedule(Dictionary<string, Tensor> ours, GenerationParameters ran, bool integerTimesteps, ISampler sampler)
    {
        ours["timesteps"] = integerTimesteps
            ? tensor(ran.Timesteps.Select(t => (long)t).ToArray())
            : tensor(ran.Timesteps.Select(t => (float)t).ToArray());
        if (ran.Sigmas is { } sigmas) ours["sigmas"] = tensor(sigmas.ToArray());
        ours["init_noise_sigma"] = tensor((double)ran.InitNoiseSigma, ScalarType.Float64);
        if (sampler is SamplerBase withSchedule) ours["alphas_cumprod"] = tensor(withSchedule.Schedule.AlphasCumprod.ToArray());
    }
}
