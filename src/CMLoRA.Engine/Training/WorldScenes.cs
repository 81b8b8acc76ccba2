using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.World;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>Training pictures drawn from the world: item i of a stream depends only on (seed, i).</summary>
public static class WorldScenes
{
    /// <summary>Item <paramref name="index"/> of the mixed stream (base scenes, each slot novel with <paramref name="novelProbability"/>).</summary>
    public static (SceneSpec Spec, long RenderSeed) Mixed(long seed, long index, double novelProbability)
    {
        var sampler = new SceneSampler(WorldRandom.Derive(seed, 2 * index));
        return (sampler.NextMixed(novelProbability), WorldRandom.Derive(seed, 2 * index + 1));
    }

    /// <summary>Renders items [<paramref name="first"/>, first + count) of the mixed stream as [count, 3, 64, 64] in [-1, 1].</summary>
    public static Tensor MixedBatch(long seed, long first, int count, double novelProbability) =>
        MixedBatch(seed, Enumerable.Range(0, count).Select(i => first + i).ToArray(), novelProbability);

    /// <summary>Renders the items at <paramref name="indices"/> of the mixed stream as [count, 3, 64, 64] in [-1, 1].</summary>
    public static Tensor MixedBatch(long seed, IReadOnlyList<long> indices, double novelProbability)
    {
        var scenes = new (SceneSpec, long)[indices.Count];
        Parallel.For(0, indices.Count, i => scenes[i] = Mixed(seed, indices[i], novelProbability));
        using var pictures = RenderParallel(scenes);
        return pictures.ToSignedRange();
    }

    /// <summary>Renders scenes on all cores into one float32 tensor [B, 3, 64, 64] in [0, 1].</summary>
    public static Tensor RenderParallel(IReadOnlyList<(SceneSpec Spec, long Seed)> scenes)
    {
        int plane = 3 * SceneRenderer.ImageSize * SceneRenderer.ImageSize;
        var data = new float[scenes.Count * plane];
        Parallel.For(0, scenes.Count, i => Array.Copy(SceneRenderer.Render(scenes[i].Spec, scenes[i].Seed), 0, data, i * plane, plane));
        return tensor(data, new long[] { scenes.Count, 3, SceneRenderer.ImageSize, SceneRenderer.ImageSize });
    }
}
