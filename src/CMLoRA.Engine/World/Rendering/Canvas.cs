namespace CMLoRA.Engine.World.Rendering;

/// <summary>A square RGB image in channel-major (CHW) float layout, the layout tensors use.</summary>
internal sealed class Canvas
{
    private const int Supersample = 4;

    public Canvas(int size)
    {
        Size = size;
        Pixels = new float[3 * size * size];
    }

    public int Size { get; }

    /// <summary>CHW pixels: red plane, then green, then blue.</summary>
    public float[] Pixels { get; }

    public Rgb Get(int x, int y)
    {
        int i = y * Size + x, plane = Size * Size;
        return new Rgb(Pixels[i], Pixels[plane + i], Pixels[2 * plane + i]);
    }

    /// <summary>The colour at (x, y) with coordinates clamped to the canvas.</summary>
    public Rgb GetClamped(int x, int y) => Get(Math.Clamp(x, 0, Size - 1), Math.Clamp(y, 0, Size - 1));

    public void Set(int x, int y, Rgb c)
    {
        int i = y * Size + x, plane = Size * Size;
        Pixels[i] = c.R;
        Pixels[plane + i] = c.G;
        Pixels[2 * plane + i] = c.B;
    }

    /// <summary>Paints every pixel from a function of its centre.</summary>
    public void Fill(Func<float, float, Rgb> colourAt)
    {
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                Set(x, y, colourAt(x + 0.5f, y + 0.5f));
    }

    /// <summary>Blends <paramref name="colour"/> over the shape, weighting each pixel by its supersampled coverage.</summary>
    public void Paint(Shape shape, Rgb colour, float opacity = 1f) => Paint(shape, (_, _) => colour, opacity);

    /// <summary>Blends a position-dependent colour over the shape with supersampled coverage.</summary>
    public void Paint(Shape shape, Func<float, float, Rgb> colourAt, float opacity = 1f)
    {
        int x0 = Math.Max(0, (int)MathF.Floor(shape.X0)), y0 = Math.Max(0, (int)MathF.Floor(shape.Y0));
        int x1 = Math.Min(Size - 1, (int)MathF.Ceiling(shape.X1)), y1 = Math.Min(Size - 1, (int)MathF.Ceiling(shape.Y1));
        const float step = 1f / Supersample;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                int hits = 0;
                for (int sy = 0; sy < Supersample; sy++)
                    for (int sx = 0; sx < Supersample; sx++)
                        if (shape.Contains(x + (sx + 0.5f) * step, y + (sy + 0.5f) * step)) hits++;
                if (hits == 0) continue;
                float alpha = opacity * hits / (Supersample * Supersample);
                Set(x, y, Get(x, y).Mix(colourAt(x + 0.5f, y + 0.5f), alpha));
            }
        }
    }

    /// <summary>A copy of the pixels, for filters that read the picture while rewriting it.</summary>
    public Canvas Clone()
    {
        var copy = new Canvas(Size);
        Array.Copy(Pixels, copy.Pixels, Pixels.Length);
        return copy;
    }

    public void ClampAll()
    {
        for (int i = 0; i < Pixels.Length; i++) Pixels[i] = Math.Clamp(Pixels[i], 0f, 1f);
    }
}
