namespace CMLoRA.Engine.World.Rendering;

/// <summary>
/// Re-renders the finished picture in a style. Every style is deliberately high-frequency (lines, dots, tiles or
/// rings a few pixels apart) so that frequency profiling can tell style LoRAs from low-frequency backgrounds.
/// The colour of each region survives, so the content stays recognisable under the style.
/// </summary>
internal static class StylePainter
{
    private static readonly Rgb Paper = new(0.97f, 0.95f, 0.90f);

    public static void Apply(Canvas canvas, string style, WorldRandom random)
    {
        var source = canvas.Clone();
        switch (style)
        {
            case "crosshatch": Crosshatch(canvas, source, random); break;
            case "halftone": Halftone(canvas, source, random, cell: 4.5f, ring: false); break;
            case "mosaic": Mosaic(canvas, source, random); break;
            case "sketch": Sketch(canvas, source, random); break;
            case "ring_halftone": Halftone(canvas, source, random, cell: 7f, ring: true); break;
            case "wave_engraving": WaveEngraving(canvas, source, random); break;
            default: throw new ArgumentException($"No painter for style '{style}'.", nameof(style));
        }
        canvas.ClampAll();
    }

    // Diagonal ink lines every 4 pixels; a second diagonal and then horizontals join in darker regions.
    private static void Crosshatch(Canvas canvas, Canvas source, WorldRandom random)
    {
        int p1 = random.Next(4), p2 = random.Next(4), p3 = random.Next(4);
        for (int y = 0; y < canvas.Size; y++)
            for (int x = 0; x < canvas.Size; x++)
            {
                var c = source.Get(x, y);
                float l = c.Luminance;
                bool ink = ((x + y + p1) & 3) == 0 && l < 0.95f
                        || ((x - y + 64 + p2) & 3) == 0 && l < 0.6f
                        || ((y + p3) & 3) == 0 && l < 0.3f;
                canvas.Set(x, y, ink ? c * 0.3f : c.Mix(Rgb.White, 0.5f));
            }
    }

    // Coloured dots (or rings) on a screen turned 45 degrees, like print halftone; the mark grows with the darkness
    // under its cell centre. The turned screen keeps halftone visibly different from the axis-aligned mosaic.
    private static void Halftone(Canvas canvas, Canvas source, WorldRandom random, float cell, bool ring)
    {
        const float rot = 0.70710678f;
        float ou = random.Range(0f, cell), ov = random.Range(0f, cell);
        var paper = Paper.Jitter(random, 0.02f);
        for (int y = 0; y < canvas.Size; y++)
            for (int x = 0; x < canvas.Size; x++)
            {
                var colour = paper;
                float ink = 0f;
                for (int s = 0; s < 4; s++)
                {
                    float sx = x + 0.25f + 0.5f * (s & 1), sy = y + 0.25f + 0.5f * (s >> 1);
                    float u = (sx + sy) * rot + ou, v = (sx - sy) * rot + ov;
                    float cu = (MathF.Floor(u / cell) + 0.5f) * cell, cv = (MathF.Floor(v / cell) + 0.5f) * cell;
                    float du = u - cu, dv = v - cv, d = MathF.Sqrt(du * du + dv * dv);
                    // Back from the turned screen to pixels to read the colour under the cell centre.
                    float px = ((cu - ou) + (cv - ov)) * rot, py = ((cu - ou) - (cv - ov)) * rot;
                    var mean = Mean(source, (int)MathF.Round(px) - 1, (int)MathF.Round(py) - 1, 3);
                    float dark = 1f - mean.Luminance;
                    bool hit;
                    if (ring)
                    {
                        float radius = cell * (0.26f + 0.1f * dark), width = 0.75f + 1.1f * dark;
                        hit = MathF.Abs(d - radius) < width / 2f;
                    }
                    else
                    {
                        hit = d < cell * (0.16f + 0.4f * MathF.Sqrt(dark));
                    }
                    if (hit) { ink += 0.25f; colour = mean * 0.85f; }
                }
                canvas.Set(x, y, paper.Mix(colour, ink));
            }
    }

    // Flat tiles of the mean colour with a dark grout line on one side of each tile.
    private static void Mosaic(Canvas canvas, Canvas source, WorldRandom random)
    {
        const int tile = 5;
        int ox = random.Next(tile), oy = random.Next(tile);
        for (int gy = -oy; gy < canvas.Size; gy += tile)
            for (int gx = -ox; gx < canvas.Size; gx += tile)
            {
                var mean = Mean(source, gx, gy, tile) * (1f + random.Range(-0.07f, 0.07f));
                for (int y = Math.Max(0, gy); y < Math.Min(canvas.Size, gy + tile); y++)
                    for (int x = Math.Max(0, gx); x < Math.Min(canvas.Size, gx + tile); x++)
                    {
                        bool grout = x == gx + tile - 1 || y == gy + tile - 1;
                        canvas.Set(x, y, grout ? mean * 0.62f : mean);
                    }
            }
    }

    // Graphite outlines where the picture changes plus grainy pencil shading (heavier where darker) over a faint
    // colour wash on rough paper. Edges come from a lightly blurred copy so fine patterns give thin strokes instead
    // of solid ink; the grain is per-pixel random, unlike the regular screens of the other styles.
    private static void Sketch(Canvas canvas, Canvas source, WorldRandom random)
    {
        var ink = new Rgb(0.16f, 0.16f, 0.2f);
        var paper = Paper.Jitter(random, 0.02f);
        var soft = Blur(source);
        for (int y = 0; y < canvas.Size; y++)
            for (int x = 0; x < canvas.Size; x++)
            {
                var c = source.Get(x, y);
                float outline = Math.Clamp((Edge(soft, x, y) - 0.16f) * 3.5f, 0f, 1f) * random.Range(0.75f, 1f);
                float shading = (0.25f + 0.75f * (1f - c.Luminance)) * (random.Chance(0.5) ? random.Range(0.3f, 0.7f) : 0f);
                var wash = paper.Mix(c, 0.22f);
                canvas.Set(x, y, wash.Mix(ink, MathF.Max(outline, shading)));
            }
    }

    private static Canvas Blur(Canvas source)
    {
        var soft = new Canvas(source.Size);
        for (int y = 0; y < source.Size; y++)
            for (int x = 0; x < source.Size; x++)
            {
                var sum = Rgb.Black;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        sum += source.GetClamped(x + dx, y + dy) * ((dx == 0 ? 2f : 1f) * (dy == 0 ? 2f : 1f) / 16f);
                soft.Set(x, y, sum);
            }
        return soft;
    }

    // Horizontal sine-wave lines 4 pixels apart whose thickness follows the darkness underneath.
    private static void WaveEngraving(Canvas canvas, Canvas source, WorldRandom random)
    {
        const float period = 4f;
        float phase = random.Range(0f, period), wavePhase = random.Range(0f, 6.28f);
        for (int y = 0; y < canvas.Size; y++)
            for (int x = 0; x < canvas.Size; x++)
            {
                var c = source.Get(x, y);
                float width = 0.6f + 2.2f * (1f - c.Luminance);
                int hits = 0;
                for (int s = 0; s < 4; s++)
                {
                    float sy = y + (s + 0.5f) / 4f, sx = x + 0.5f;
                    float centre = sy - phase - 1.3f * MathF.Sin(sx * 2f * MathF.PI / 14f + wavePhase);
                    float off = centre - period * MathF.Floor(centre / period + 0.5f);
                    if (MathF.Abs(off) < width / 2f) hits++;
                }
                canvas.Set(x, y, c.Mix(Rgb.White, 0.55f).Mix(c * 0.3f, hits / 4f));
            }
    }

    private static Rgb Mean(Canvas source, int gx, int gy, int cell)
    {
        float r = 0, g = 0, b = 0;
        for (int y = gy; y < gy + cell; y++)
            for (int x = gx; x < gx + cell; x++)
            {
                var c = source.GetClamped(x, y);
                r += c.R; g += c.G; b += c.B;
            }
        float n = cell * cell;
        return new Rgb(r / n, g / n, b / n);
    }

    // Sobel gradient magnitude summed over channels.
    private static float Edge(Canvas source, int x, int y)
    {
        float total = 0f;
        for (int ch = 0; ch < 3; ch++)
        {
            float At(int xx, int yy) { var c = source.GetClamped(xx, yy); return ch == 0 ? c.R : ch == 1 ? c.G : c.B; }
            float gx = At(x + 1, y - 1) + 2 * At(x + 1, y) + At(x + 1, y + 1) - At(x - 1, y - 1) - 2 * At(x - 1, y) - At(x - 1, y + 1);
            float gy = At(x - 1, y + 1) + 2 * At(x, y + 1) + At(x + 1, y + 1) - At(x - 1, y - 1) - 2 * At(x, y - 1) - At(x + 1, y - 1);
            total += MathF.Sqrt(gx * gx + gy * gy);
        }
        return total / 4f;
    }
}
