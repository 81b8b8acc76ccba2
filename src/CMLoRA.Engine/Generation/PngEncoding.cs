using CMLoRA.Engine.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Generation;

/// <summary>Turns image tensors into PNG bytes (ImageSharp).</summary>
public static class PngEncoding
{
    /// <summary>Encodes an image [1, 3, H, W] (or [3, H, W]) with values in [0, 1] as an 8-bit RGB PNG.</summary>
    public static byte[] Encode(Tensor image)
    {
        using var scope = NewDisposeScope();
        var chw = image.dim() == 4 ? image[0] : image;
        if (chw.dim() != 3 || chw.shape[0] != 3) throw new ArgumentException($"expected an RGB image [3,H,W], got [{string.Join(",", image.shape)}]");
        int height = (int)chw.shape[1], width = (int)chw.shape[2];
        // Round half up as PIL's (x*255).round() does in the reference post-processing.
        var unit = chw.to_type(ScalarType.Float32).cpu().clamp(Scalars.Zero, Scalars.One);
        var bytes = unit.mul(Scalars.TwoFiftyFive).round().to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
        byte[] rgb = bytes.data<byte>().ToArray();
        return EncodeRgb(rgb, width, height);
    }

    /// <summary>Encodes packed RGB bytes (row-major, 3 per pixel) as PNG.</summary>
    public static byte[] EncodeRgb(byte[] rgb, int width, int height)
    {
        using var img = Image.LoadPixelData<Rgb24>(rgb, width, height);
        using var stream = new MemoryStream();
        img.SaveAsPng(stream);
        return stream.ToArray();
    }
}
