using static TorchSharp.torch;

namespace CMLoRA.Engine.World;

/// <summary>Measures a concept classifier on a fixed-seed rendered test set drawn apart from any training batch.</summary>
public static class ClassifierEvaluator
{
    /// <summary>Seed of the held-out test set quoted in the docs.</summary>
    public const long HeldOutSeed = 20_251_031;

    /// <summary>The test scenes: the training mixture (base scenes with novel concepts mixed in) from its own seed.</summary>
    public static IReadOnlyList<(SceneSpec Spec, long Seed)> HeldOutSet(int count, long seed = HeldOutSeed, double novelProbability = 0.3)
    {
        var sampler = new SceneSampler(WorldRandom.Derive(seed, -7));
        return Enumerable.Range(0, count).Select(i => (sampler.NextMixed(novelProbability), WorldRandom.Derive(seed, i))).ToArray();
    }

    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="scenes"/>. <paramref name="degrade"/> optionally alters each
    /// rendered batch first (e.g. blur, to mimic generated pictures).
    /// </summary>
    public static ClassifierReport Evaluate(ConceptClassifier model, IReadOnlyList<(SceneSpec Spec, long Seed)> scenes,
        Func<Tensor, Tensor>? degrade = null, int batchSize = 50)
    {
        var categories = Enum.GetValues<ConceptCategory>();
        var correct = categories.ToDictionary(c => c, _ => 0);
        int allCorrect = 0, labels = ConceptLabels.Count;
        var truePositive = new int[labels];
        var falsePositive = new int[labels];
        var falseNegative = new int[labels];
        for (int start = 0; start < scenes.Count; start += batchSize)
        {
            var chunk = scenes.Skip(start).Take(batchSize).ToArray();
            using var clean = SceneRenderer.RenderBatch(chunk);
            using var images = degrade is null ? clean.alias() : degrade(clean);
            using var probabilities = model.Predict(images);
            var p = probabilities.data<float>().ToArray();
            for (int i = 0; i < chunk.Length; i++)
            {
                var row = p.AsSpan(i * labels, labels);
                var decisions = ConceptLabels.Decide(row);
                bool all = true;
                foreach (var category in categories)
                {
                    bool right = decisions[category]?.Id == chunk[i].Spec.In(category)?.Id;
                    if (right) correct[category]++;
                    all &= right;
                }
                if (all) allCorrect++;
                var truth = ConceptLabels.Encode(chunk[i].Spec);
                for (int k = 0; k < labels; k++)
                {
                    bool predicted = row[k] >= 0.5f, actual = truth[k] > 0.5f;
                    if (predicted && actual) truePositive[k]++;
                    else if (predicted) falsePositive[k]++;
                    else if (actual) falseNegative[k]++;
                }
            }
        }
        var f1 = ConceptCatalog.All.Select((c, k) => (c.Id, F1: truePositive[k] == 0 ? 0.0
                : 2.0 * truePositive[k] / (2.0 * truePositive[k] + falsePositive[k] + falseNegative[k])))
            .ToDictionary(x => x.Id, x => x.F1);
        return new ClassifierReport(scenes.Count, categories.ToDictionary(c => c, c => (double)correct[c] / scenes.Count),
            (double)allCorrect / scenes.Count, f1);
    }
}
