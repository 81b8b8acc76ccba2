using System.Diagnostics;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// "Does this prompt produce these concepts?": generates with a fixed seed and asks the world's
/// <see cref="ConceptClassifier"/> about each named concept. The quality benchmark scores every image this way, and a
/// CI test can use it on the shipped model so that a broken pipeline or corrupted weights fail.
/// </summary>
public static class ConceptCheck
{
    /// <summary>
    /// Generates <paramref name="prompt"/> with <paramref name="seed"/> at the model's native size (optionally with
    /// LoRAs composed by <paramref name="method"/>) and scores <paramref name="concepts"/> (ids or trigger words).
    /// </summary>
    public static ConceptCheckResult Run(StableDiffusionGenerator generator, ConceptClassifier classifier, string prompt, long seed,
        IReadOnlyList<string> concepts, int steps = 20, double guidanceScale = 7.5, IReadOnlyList<LoraRequest>? loras = null,
        CompositionMethod method = CompositionMethod.CmLora)
    {
        loras ??= [];
        var job = new GenerationJob(prompt, "", loras, loras.Count == 0 ? CompositionMethod.None : method, null,
            NativeRequest(generator, steps, guidanceScale, seed));
        return Run(generator, classifier, job, concepts);
    }

    /// <summary>Runs <paramref name="job"/> and scores <paramref name="concepts"/> (ids or trigger words) on its image.</summary>
    public static ConceptCheckResult Run(StableDiffusionGenerator generator, ConceptClassifier classifier, GenerationJob job,
        IReadOnlyList<string> concepts, Action<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var resolved = Resolve(concepts);
        var clock = Stopwatch.StartNew();
        var output = generator.Generate(job, progress, cancellationToken);
        double seconds = clock.Elapsed.TotalSeconds;
        return new ConceptCheckResult(output, Score(classifier, output.Png, resolved), seconds);
    }

    /// <summary>A request at the model's native size (UNet sample size × VAE factor: 64 for the built-in model).</summary>
    public static TextToImageRequest NativeRequest(StableDiffusionGenerator generator, int steps, double guidanceScale, long seed,
        string sampler = "dpmpp2m")
    {
        int side = generator.NativeSize;
        return new TextToImageRequest(side, side, steps, guidanceScale, seed, sampler);
    }

    /// <summary>
    /// Scores a PNG: the classifier's probabilities, and per concept whether the classifier's decision for its
    /// category (<see cref="ConceptLabels.Decide"/>: the most probable concept of the category; for optional categories
    /// only at probability ≥ 0.5) is that concept — the rule the classifier's own accuracy is measured with.
    /// </summary>
    public static ConceptScore Score(ConceptClassifier classifier, byte[] png, IReadOnlyList<Concept> concepts)
    {
        using var input = ClassifierInput(png);
        using var probabilities = classifier.Predict(input);
        var row = probabilities.data<float>().ToArray();
        var decisions = ConceptLabels.Decide(row);
        var p = new Dictionary<string, float>(StringComparer.Ordinal);
        var detected = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var concept in concepts)
        {
            p[concept.Id] = row[ConceptCatalog.IndexOf(concept.Id)];
            detected[concept.Id] = decisions[concept.Category]?.Id == concept.Id;
        }
        return new ConceptScore(p, detected);
    }

    /// <summary>Concepts named by id or trigger word; throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static IReadOnlyList<Concept> Resolve(IReadOnlyList<string> names) =>
        names.Select(n => ConceptCatalog.Find(n) ?? throw new ArgumentException(
            $"'{n}' is not a world concept; use an id or a trigger word ({string.Join(", ", ConceptCatalog.Novel.Select(c => c.Trigger))})")).ToArray();

    /// <summary>
    /// A PNG as the classifier's input [1, 3, 64, 64] in [0, 1]. Pictures of another size are resampled to 64×64 first
    /// (the built-in model's native size is 64, so its images pass unchanged).
    /// </summary>
    public static Tensor ClassifierInput(byte[] png) => tensor(ReadChw(png, SceneRenderer.ImageSize), [1, 3, SceneRenderer.ImageSize, SceneRenderer.ImageSize]);

    /// <summary>A PNG as CHW floats in [0, 1] of side <paramref name="side"/> (resampled when the size differs).</summary>
    public static float[] ReadChw(byte[] png, int side)
    {
        using var image = Image.Load<Rgb24>(png);
        if (image.Width != side || image.Height != side) image.Mutate(x => x.Resize(side, side, KnownResamplers.Box));
        var chw = new float[3 * side * side];
        int plane = side * side;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < side; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < side; x++)
                {
                    chw[y * side + x] = row[x].R / 255f;
                    chw[plane + y * side + x] = row[x].G / 255f;
                    chw[2 * plane + y * side + x] = row[x].B / 255f;
                }
            }
        });
        return chw;
    }
}
