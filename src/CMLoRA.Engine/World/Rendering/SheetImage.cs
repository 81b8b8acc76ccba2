using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CMLoRA.Engine.World.Rendering;

/// <summary>An 8-bit RGB raster for contact sheets and PNG export: pasted renders plus bitmap-font labels.</summary>
internal sealed class SheetImage
{
    private readonly byte[] _rgb;

    public SheetImage(int width, int height, Rgb fill)
    {
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++) Put(i, fill);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Pastes a CHW render of side <paramref name="size"/> at (x, y), enlarged <paramref name="scale"/> times (nearest neighbour).</summary>
    public void Paste(float[] chw, int size, int x, int y, int scale = 1)
    {
        int plane = size * size;
        for (int py = 0; py < size * scale; py++)
            for (int px = 0; px < size * scale; px++)
            {
                int tx = x + px, ty = y + py;
                if (tx < 0 || ty < 0 || tx >= Width || ty >= Height) continue;
                int s = (py / scale) * size + px / scale;
                Put(ty * Width + tx, new Rgb(chw[s], chw[plane + s], chw[2 * plane + s]));
            }
    }

    /// <summary>Writes <paramref name="text"/> with its top-left corner at (x, y).</summary>
    public void Text(string text, int x, int y, Rgb colour, int scale = 1)
    {
        for (int k = 0; k < text.Length; k++)
            for (int row = 0; row < TinyFont.GlyphHeight; row++)
                for (int col = 0; col < TinyFont.GlyphWidth; col++)
                {
                    if (!TinyFont.Ink(text[k], col, row)) continue;
                    for (int sy = 0; sy < scale; sy++)
                        for (int sx = 0; sx < scale; sx++)
                        {
                            int tx = x + (k * (TinyFont.GlyphWidth + 1) + col) * scale + sx, ty = y + row * scale + sy;
                            if (tx >= 0 && ty >= 0 && tx < Width && ty < Height) Put(ty * Width + tx, colour);
                        }
                }
    }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale) => text.Length * (TinyFont.GlyphWidth + 1) * scale;

    public void SavePng(string path)
    {
        using var image = Image.LoadPixelData<Rgb24>(_rgb, Width, Height);
        image.SaveAsPng(path);
    }

    /// <summary>Saves one CHW render as a PNG of its own size.</summary>
    public static void SaveRender(float[] chw, int size, string path)
    {
        var sheet = new SheetImage(size, size, Rgb.Black);
        sheet.Paste(chw, size, 0, 0);
        sheet.SavePng(path);
    }

    private void Put(int pixel, Rgb c)
    {
        _rgb[3 * pixel] = ToByte(c.R);
        _rgb[3 * pixel + 1] = ToByte(c.G);
        _rgb[3 * pixel + 2] = ToByte(c.B);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
}
