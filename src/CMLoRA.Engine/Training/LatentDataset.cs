using System.Text.Json;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Pictures encoded once by a frozen VAE: the posterior mean and log-variance of every picture ([N, 4, h, w], float32)
/// and its caption. Each training step draws a fresh posterior sample, as SD's training does, without re-running the
/// encoder. Owns its tensors.
/// </summary>
public sealed class LatentDataset : IDisposable
{
    private const int EncodeBatch = 32;

    private LatentDataset(Tensor mean, Tensor logVar, IReadOnlyList<string> captions, double scalingFactor)
    {
        if (mean.shape[0] != captions.Count)
            throw new ArgumentException($"{mean.shape[0]} latents but {captions.Count} captions");
        Mean = mean;
        LogVar = logVar;
        Captions = captions;
        ScalingFactor = scalingFactor;
    }

    /// <summary>Posterior means [N, C, h, w].</summary>
    public Tensor Mean { get; }

    /// <summary>Posterior log-variances [N, C, h, w].</summary>
    public Tensor LogVar { get; }

    /// <summary>One caption per latent.</summary>
    public IReadOnlyList<string> Captions { get; }

    /// <summary>The VAE's scaling factor, applied by <see cref="Sample"/>.</summary>
    public double ScalingFactor { get; }

    public int Count => Captions.Count;

    /// <summary>
    /// Encodes <paramref name="count"/> pictures produced by <paramref name="render"/>(first, size) as [size, 3, H, W]
    /// in [-1, 1], in batches, reporting the number done.
    /// </summary>
    public static LatentDataset Encode(AutoencoderKL vae, int count, Func<int, int, Tensor> render, IReadOnlyList<string> captions,
        Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        using var noGrad = no_grad();
        bool training = vae.training;
        vae.eval();
        var means = new List<Tensor>();
        var logVars = new List<Tensor>();
        try
        {
            for (int first = 0; first < count; first += EncodeBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int size = Math.Min(EncodeBatch, count - first);
                using var images = render(first, size);
                var (mean, logVar) = vae.Encode(images);
                means.Add(mean);
                logVars.Add(logVar);
                progress?.Invoke(first + size);
            }
            return new LatentDataset(cat(means, 0), cat(logVars, 0), captions, vae.ScalingFactor);
        }
        finally
        {
            foreach (var t in means.Concat(logVars)) t.Dispose();
            if (training) vae.train();
        }
    }

    /// <summary>Scaled posterior samples (mean + σ·ε) · scaling_factor of the items at <paramref name="indices"/>.</summary>
    public Tensor Sample(Tensor indices, torch.Generator generator)
    {
        using var scope = NewDisposeScope();
        var mean = Mean.index_select(0, indices);
        var std = LogVar.index_select(0, indices).Times(0.5).exp_();
        var z = mean.add(std * randn(mean.shape, generator: generator), Scalars.One).Times(ScalingFactor);
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>Writes the latents (safetensors) and the captions (a JSON list beside it).</summary>
    public void Save(string path)
    {
        SafetensorsWriter.Write(path, [KeyValuePair.Create("mean", Mean), KeyValuePair.Create("log_var", LogVar)],
            new Dictionary<string, string> { ["scaling_factor"] = ScalingFactor.ToString("R", System.Globalization.CultureInfo.InvariantCulture) });
        File.WriteAllText(CaptionsPath(path), JsonSerializer.Serialize(Captions));
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public static LatentDataset Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var captions = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(CaptionsPath(path)))
            ?? throw new InvalidDataException($"{CaptionsPath(path)} holds no caption list");
        double scaling = double.Parse(file.Metadata["scaling_factor"], System.Globalization.CultureInfo.InvariantCulture);
        return new LatentDataset(file.ReadTensor("mean"), file.ReadTensor("log_var"), captions, scaling);
    }

    private static string CaptionsPath(string path) => Path.ChangeExtension(path, ".captions.json");

    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
    }
}
