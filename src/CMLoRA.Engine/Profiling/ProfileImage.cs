using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CMLoRA.Engine.Profiling;

/// <summary>An 8-bit RGB image as the profiler measures it: what a saved PNG holds.</summary>
/// <param name="Rgb">Packed RGB bytes, row-major, three per pixel.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record ProfileImage(byte[] Rgb, int Width, int Height)
{
    /// <summary>Decodes a PNG (or any format ImageSharp reads) into 8-bit RGB.</summary>
    public static ProfileImage FromPng(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        using var image = Image.Load<Rgb24>(png);
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        return new ProfileImage(rgb, image.Width, image.Height);
    }

    /// <summary>
    /// The grey image of the reference's offline profiling (spec 3.3): the channel mean of the 8-bit RGB values,
    /// truncated to a whole number as numpy's <c>astype(uint8)</c> does.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count does not match the size.</exception>
    public float[] ToGrey()
    {
        if (Width < 1 || Height < 1 || Rgb.Length != (long)Width * Height * 3)
            throw new ArgumentException($"{Rgb.Length} bytes do not form a {Width}×{Height} RGB image.");
        var grey = new float[Width * Height];
        for (int i = 0; i < grey.Length; i++)
            grey[i] = (Rgb[3 * i] + Rgb[3 * i + 1] + Rgb[3 * i + 2]) / 3; // integer division truncates like uint8(mean)
        return grey;
    }
}
