namespace CMLoRA.Engine.World.Rendering;

/// <summary>
/// Paints backgrounds. Every background is deliberately low-frequency (smooth gradients, soft glows, broad curves)
/// so that frequency profiling can tell background LoRAs from high-frequency style LoRAs.
/// </summary>
internal static class BackgroundPainter
{
    private static readonly Rgb[] Pastels =
    [
        new(0.93f, 0.91f, 0.84f), new(0.85f, 0.86f, 0.88f), new(0.80f, 0.88f, 0.96f),
        new(0.84f, 0.94f, 0.84f), new(0.97f, 0.86f, 0.88f), new(0.88f, 0.84f, 0.96f),
    ];

    public static void Paint(Canvas canvas, string background, WorldRandom random)
    {
        float n = canvas.Size - 1;
        float tone = random.Range(-0.04f, 0.04f);
        Rgb Toned(Rgb c) => new Rgb(c.R + tone, c.G + tone, c.B + tone).Clamp();
        switch (background)
        {
            case "plain":
            {
                var colour = random.Pick(Pastels).Jitter(random, 0.04f);
                canvas.Fill((_, _) => colour);
                break;
            }
            case "sky":
            {
                Rgb top = new Rgb(0.22f, 0.46f, 0.88f).Jitter(random, 0.04f), bottom = new Rgb(0.76f, 0.88f, 1.0f).Jitter(random, 0.03f);
                canvas.Fill((_, y) => top.Mix(bottom, y / n));
                break;
            }
            case "sunset":
            {
                float sunX = random.Range(0.3f, 0.7f) * n, sunY = random.Range(0.72f, 0.82f) * n;
                canvas.Fill((x, y) =>
                {
                    float v = y / n;
                    var c = v < 0.45f
                        ? new Rgb(0.34f, 0.18f, 0.48f).Mix(new Rgb(0.94f, 0.42f, 0.45f), v / 0.45f)
                        : new Rgb(0.94f, 0.42f, 0.45f).Mix(new Rgb(1.0f, 0.78f, 0.38f), Math.Min(1f, (v - 0.45f) / 0.45f));
                    float glow = MathF.Exp(-(Sq(x - sunX) + Sq(y - sunY)) / (2 * 9f * 9f));
                    return Toned(c.Mix(new Rgb(1f, 0.95f, 0.65f), 0.75f * glow));
                });
                break;
            }
            case "night":
            {
                Rgb top = new Rgb(0.03f, 0.04f, 0.14f).Jitter(random, 0.02f), bottom = new Rgb(0.12f, 0.13f, 0.32f).Jitter(random, 0.03f);
                canvas.Fill((_, y) => top.Mix(bottom, y / n));
                break;
            }
            case "hills":
                PaintHills(canvas, random, n, Toned);
                break;
            case "aurora":
                PaintAurora(canvas, random, n, Toned);
                break;
            case "underwater":
                PaintUnderwater(canvas, random, n, Toned);
                break;
            default:
                throw new ArgumentException($"No painter for background '{background}'.", nameof(background));
        }
    }

    private static void PaintHills(Canvas canvas, WorldRandom random, float n, Func<Rgb, Rgb> toned)
    {
        float phase1 = random.Range(0f, 6.28f), phase2 = random.Range(0f, 6.28f);
        float back = random.Range(0.56f, 0.64f) * n, front = random.Range(0.72f, 0.78f) * n;
        canvas.Fill((x, y) =>
        {
            float u = x / n;
            var c = new Rgb(0.55f, 0.76f, 0.95f).Mix(new Rgb(0.86f, 0.93f, 1.0f), y / n);
            float backEdge = back + 4.5f * MathF.Sin(u * 5.0f + phase1);
            float frontEdge = front + 5f * MathF.Sin(u * 7.0f + phase2);
            c = c.Mix(new Rgb(0.24f, 0.52f, 0.26f), Smooth(y - backEdge));
            c = c.Mix(new Rgb(0.44f, 0.74f, 0.30f), Smooth(y - frontEdge));
            return toned(c);
        });
    }

    private static void PaintAurora(Canvas canvas, WorldRandom random, float n, Func<Rgb, Rgb> toned)
    {
        float p1 = random.Range(0f, 6.28f), p2 = random.Range(0f, 6.28f);
        float y1 = random.Range(0.24f, 0.34f) * n, y2 = random.Range(0.44f, 0.54f) * n;
        canvas.Fill((x, y) =>
        {
            float u = x / n;
            var c = new Rgb(0.02f, 0.05f, 0.13f).Mix(new Rgb(0.05f, 0.10f, 0.20f), y / n);
            float green = MathF.Exp(-Sq(y - (y1 + 6f * MathF.Sin(u * 6.5f + p1))) / (2 * 4.5f * 4.5f));
            float violet = MathF.Exp(-Sq(y - (y2 + 5f * MathF.Sin(u * 5.0f + p2))) / (2 * 3.5f * 3.5f));
            c = c + new Rgb(0.15f, 0.90f, 0.45f) * (0.85f * green) + new Rgb(0.62f, 0.25f, 0.85f) * (0.7f * violet);
            return toned(c.Clamp());
        });
    }

    private static void PaintUnderwater(Canvas canvas, WorldRandom random, float n, Func<Rgb, Rgb> toned)
    {
        float offset = random.Range(-8f, 8f), floor = random.Range(0.86f, 0.9f) * n, phase = random.Range(0f, 6.28f);
        canvas.Fill((x, y) =>
        {
            float v = y / n;
            var c = new Rgb(0.30f, 0.82f, 0.80f).Mix(new Rgb(0.02f, 0.20f, 0.36f), v);
            float rays = 0f;
            for (int k = 0; k < 3; k++)
            {
                float along = x - (offset + 12f + 20f * k) - 0.45f * y;
                rays += MathF.Exp(-Sq(along) / (2 * 3.2f * 3.2f));
            }
            c = c.Mix(new Rgb(0.85f, 1f, 0.95f), 0.35f * rays * (1f - v));
            c = c.Mix(new Rgb(0.74f, 0.66f, 0.44f), Smooth(y - (floor + 1.5f * MathF.Sin(x / n * 6f + phase))));
            return toned(c);
        });
    }

    // A soft step about four pixels wide: hill and sand edges stay blurred so backgrounds carry no sharp edges.
    private static float Smooth(float d)
    {
        float t = Math.Clamp(d / 4f + 0.5f, 0f, 1f);
        return t * t * (3f - 2f * t);
    }

    private static float Sq(float v) => v * v;
}
