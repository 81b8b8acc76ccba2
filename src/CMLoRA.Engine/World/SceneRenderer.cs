using CMLoRA.Engine.World.Rendering;
using static TorchSharp.torch;

namespace CMLoRA.Engine.World;

/// <summary>
/// Draws a <see cref="SceneSpec"/> as a 64×64 RGB picture in [0, 1]. The seed picks the small random jitter
/// (character position and size, object corner, colour tones, pattern phases) so datasets vary; the same spec and
/// seed always give bit-identical pixels.
/// </summary>
public static class SceneRenderer
{
    /// <summary>Width and height of every rendered picture.</summary>
    public const int ImageSize = 64;

    /// <summary>Renders <paramref name="spec"/> as CHW floats (3 × 64 × 64, red plane first) in [0, 1].</summary>
    public static float[] Render(SceneSpec spec, long seed, SceneLayers layers = SceneLayers.All)
    {
        spec.Validate();
        var random = new WorldRandom(seed);
        var canvas = new Canvas(ImageSize);

        // 1. Draw the layout first so that leaving layers out does not change where the others land.
        float cx = ImageSize / 2f + random.Range(-3.5f, 3.5f);
        float cy = ImageSize / 2f + 2.5f + random.Range(-3f, 3f);
        float size = random.Range(12.5f, 15f);
        bool right = random.Chance(0.5), top = random.Chance(0.5);
        float ox = (right ? ImageSize - 10.5f : 10.5f) + random.Range(-1f, 1f);
        float oy = (top ? 11.5f : ImageSize - 12.5f) + random.Range(-1f, 1f);
        float objectSize = random.Range(7.4f, 8.6f);
        long backgroundSeed = (long)random.NextBits(), objectSeed = (long)random.NextBits();
        long characterSeed = (long)random.NextBits(), styleSeed = (long)random.NextBits();

        // 2. Paint back to front: background, object (behind the character), character, then the global style.
        BackgroundPainter.Paint(canvas, spec.Background, new WorldRandom(backgroundSeed));
        if (spec.Object is { } thing && layers.HasFlag(SceneLayers.Object))
            ObjectPainter.Paint(canvas, thing, ox, oy, objectSize, new WorldRandom(objectSeed));
        if (layers.HasFlag(SceneLayers.Character))
            CharacterPainter.Paint(canvas, spec, CharacterPose.For(spec.Character, cx, cy, size), new WorldRandom(characterSeed));
        if (spec.Style is { } style && layers.HasFlag(SceneLayers.Style))
            StylePainter.Apply(canvas, style, new WorldRandom(styleSeed));

        canvas.ClampAll();
        return canvas.Pixels;
    }

    /// <summary>Renders <paramref name="spec"/> as a float32 CPU tensor [3, 64, 64] in [0, 1].</summary>
    public static Tensor RenderTensor(SceneSpec spec, long seed, SceneLayers layers = SceneLayers.All) =>
        tensor(Render(spec, seed, layers), new long[] { 3, ImageSize, ImageSize });

    /// <summary>Renders several scenes into one float32 CPU tensor [B, 3, 64, 64].</summary>
    public static Tensor RenderBatch(IReadOnlyList<(SceneSpec Spec, long Seed)> scenes)
    {
        int plane = 3 * ImageSize * ImageSize;
        var data = new float[scenes.Count * plane];
        for (int i = 0; i < scenes.Count; i++)
            Array.Copy(Render(scenes[i].Spec, scenes[i].Seed), 0, data, i * plane, plane);
        return tensor(data, new long[] { scenes.Count, 3, ImageSize, ImageSize });
    }
}
