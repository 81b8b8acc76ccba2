using CMLoRA.Engine.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CMLoRA.Web.Library;

/// <summary>
/// The honest preview of a demo LoRA that ships without one: its concept drawn by the world renderer, i.e. what the
/// LoRA was trained on, not what the model makes of it. The library tags such LoRAs <see cref="Tag"/> and says so.
/// </summary>
public static class DemoLoraPreview
{
    /// <summary>The tag (and the card caption) of a LoRA whose preview is a rendered training example.</summary>
    public const string Tag = "training example";

    /// <summary>The seed of the example scene; fixed so every install shows the same picture.</summary>
    public const long Seed = 7;

    /// <summary>
    /// Pixels per world pixel: the 64×64 render is enlarged without smoothing to exactly the thumbnail size, so it
    /// stays crisp (the thumbnailer would otherwise enlarge it smoothly).
    /// </summary>
    public const int Scale = PreviewImages.ThumbnailSide / SceneRenderer.ImageSize;

    /// <summary>A plain scene (a smiling blue circle on a flat background) with <paramref name="concept"/> put into its slot.</summary>
    public static SceneSpec SceneFor(Concept concept) =>
        new SceneSpec("circle", "blue", Eyes: true, Smile: true, Background: "plain").With(concept);

    /// <summary>The example as a PNG of (64·<see cref="Scale"/>)² pixels.</summary>
    public static byte[] RenderPng(Concept concept)
    {
        int size = SceneRenderer.ImageSize;
        float[] chw = SceneRenderer.Render(SceneFor(concept), Seed);
        var rgb = new byte[size * size * 3];
        for (int i = 0; i < size * size; i++)
            for (int c = 0; c < 3; c++)
                rgb[i * 3 + c] = (byte)Math.Clamp(MathF.Round(chw[c * size * size + i] * 255f), 0, 255);
        using var image = Image.LoadPixelData<Rgb24>(rgb, size, size);
        image.Mutate(x => x.Resize(size * Scale, size * Scale, KnownResamplers.NearestNeighbor));
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }
}
