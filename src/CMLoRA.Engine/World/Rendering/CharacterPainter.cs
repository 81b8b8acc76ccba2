namespace CMLoRA.Engine.World.Rendering;

/// <summary>
/// Paints the character and what it wears. Layer order: body, body patterns (stripes, dots), face, then things
/// worn over the face or head (scarf, goggles, hat, crown).
/// </summary>
internal static class CharacterPainter
{
    private static readonly Rgb[] ScarfColours =
    [
        new(0.85f, 0.12f, 0.15f), new(0.10f, 0.55f, 0.85f), new(0.98f, 0.78f, 0.10f),
        new(0.15f, 0.62f, 0.30f), new(0.95f, 0.95f, 0.95f), new(0.60f, 0.20f, 0.70f),
    ];

    private static readonly Rgb[] HatColours = [new(0.08f, 0.08f, 0.10f), new(0.35f, 0.20f, 0.10f), new(0.10f, 0.12f, 0.30f)];

    public static void Paint(Canvas canvas, SceneSpec spec, CharacterPose pose, WorldRandom random)
    {
        var colour = ConceptCatalog.Colour(spec.Colour);
        var body = new Rgb(colour.R, colour.G, colour.B).Jitter(random, 0.06f);
        var outline = body * 0.55f;
        canvas.Paint(pose.Body.Grow(0.8f), outline);
        // A soft top-left light keeps bodies from looking like flat stickers without adding texture.
        float s = pose.S;
        canvas.Paint(pose.Body, (x, y) => body.Mix(Rgb.White, Math.Clamp(0.18f - 0.18f * ((x - pose.Cx) + (y - pose.Cy)) / (2 * s), 0f, 0.3f)));

        var contrast = body.Luminance > 0.55f ? new Rgb(0.12f, 0.12f, 0.16f) : new Rgb(0.97f, 0.97f, 0.95f);
        if (spec.Clothing == "stripes")
        {
            float phase = random.Range(0f, 1f), period = 0.38f * s;
            var stripes = pose.Body.And(new Shape((_, y) => Frac((y - pose.Cy) / period + phase) < 0.45f, pose.Body.X0, pose.Body.Y0, pose.Body.X1, pose.Body.Y1));
            canvas.Paint(stripes, contrast);
        }
        else if (spec.Clothing == "dots")
        {
            float spacing = 0.52f * s, r = 0.14f * s, ox = random.Range(0f, spacing), oy = random.Range(0f, spacing);
            var dots = pose.Body.And(new Shape((x, y) =>
            {
                float row = MathF.Round((y - oy) / spacing);
                float shift = ((int)row & 1) == 0 ? 0f : spacing / 2f;
                float dx = Wrap(x - ox - shift, spacing), dy = Wrap(y - oy, spacing);
                return dx * dx + dy * dy <= r * r;
            }, pose.Body.X0, pose.Body.Y0, pose.Body.X1, pose.Body.Y1));
            canvas.Paint(dots, contrast);
        }

        if (spec.Eyes) PaintEyes(canvas, pose, random);
        if (spec.Smile)
            canvas.Paint(Shape.Annulus(pose.Cx, pose.MouthY - 0.12f * s, 0.2f * s, 0.29f * s)
                .And(Shape.Rect(pose.Cx - s, pose.MouthY - 0.02f * s, pose.Cx + s, pose.MouthY + s)), new Rgb(0.15f, 0.05f, 0.05f));

        switch (spec.Clothing)
        {
            case "scarf": PaintScarf(canvas, pose, body, random); break;
            case "goggles": PaintGoggles(canvas, pose); break;
            case "hat": PaintHat(canvas, pose, random); break;
            case "crown": PaintCrown(canvas, pose); break;
            case null or "stripes" or "dots": break;
            default: throw new ArgumentException($"No painter for clothing '{spec.Clothing}'.", nameof(spec));
        }
    }

    private static void PaintEyes(Canvas canvas, CharacterPose pose, WorldRandom random)
    {
        float s = pose.S, look = random.Range(-0.05f, 0.05f) * s;
        foreach (float side in new[] { -1f, 1f })
        {
            float ex = pose.Cx + side * pose.EyeDx;
            canvas.Paint(Shape.Ellipse(ex, pose.EyeY, 0.17f * s, 0.2f * s), Rgb.White);
            canvas.Paint(Shape.Circle(ex + look, pose.EyeY + 0.03f * s, 0.09f * s), new Rgb(0.05f, 0.05f, 0.08f));
        }
    }

    private static void PaintScarf(Canvas canvas, CharacterPose pose, Rgb body, WorldRandom random)
    {
        float s = pose.S;
        var colours = ScarfColours.Where(c => Distance(c, body) > 0.35f).ToArray();
        var scarf = random.Pick(colours).Jitter(random, 0.04f);
        var (left, right) = pose.WidthAt(pose.NeckY);
        float half = 0.15f * s;
        var band = Shape.Rect(left - 1f, pose.NeckY - half, right + 1f, pose.NeckY + half);
        float tailX = random.Chance(0.5) ? right - 0.35f * s : left + 0.05f * s;
        var tail = Shape.Rect(tailX, pose.NeckY, tailX + 0.3f * s, pose.NeckY + 0.75f * s);
        canvas.Paint(band.Or(tail).Grow(0.6f), scarf * 0.6f);
        canvas.Paint(band.Or(tail), scarf);
    }

    private static void PaintGoggles(Canvas canvas, CharacterPose pose)
    {
        float s = pose.S;
        var (left, right) = pose.WidthAt(pose.EyeY);
        canvas.Paint(Shape.Rect(left - 1f, pose.EyeY - 0.1f * s, right + 1f, pose.EyeY + 0.1f * s), new Rgb(0.18f, 0.16f, 0.16f));
        foreach (float side in new[] { -1f, 1f })
        {
            float ex = pose.Cx + side * pose.EyeDx;
            canvas.Paint(Shape.Circle(ex, pose.EyeY, 0.3f * s), new Rgb(0.12f, 0.12f, 0.14f));
            canvas.Paint(Shape.Circle(ex, pose.EyeY, 0.21f * s), new Rgb(0.35f, 0.88f, 0.95f));
            canvas.Paint(Shape.Circle(ex - 0.07f * s, pose.EyeY - 0.07f * s, 0.06f * s), Rgb.White);
        }
    }

    private static void PaintHat(Canvas canvas, CharacterPose pose, WorldRandom random)
    {
        float s = pose.S, x = pose.Cx, y = pose.HatY;
        var colour = random.Pick(HatColours).Jitter(random, 0.03f);
        canvas.Paint(Shape.Rect(x - 0.62f * s, y - 0.12f * s, x + 0.62f * s, y + 0.06f * s), colour);
        canvas.Paint(Shape.Rect(x - 0.38f * s, y - 0.8f * s, x + 0.38f * s, y), colour);
        canvas.Paint(Shape.Rect(x - 0.38f * s, y - 0.3f * s, x + 0.38f * s, y - 0.14f * s), new Rgb(0.8f, 0.15f, 0.15f));
    }

    private static void PaintCrown(Canvas canvas, CharacterPose pose)
    {
        float s = pose.S, x = pose.Cx, y = pose.HatY + 0.04f * s, w = 0.6f * s;
        var crown = Shape.Polygon(
            (x - w, y), (x - w, y - 0.72f * s), (x - 0.5f * w, y - 0.35f * s), (x, y - 0.85f * s),
            (x + 0.5f * w, y - 0.35f * s), (x + w, y - 0.72f * s), (x + w, y));
        canvas.Paint(crown.Grow(0.7f), new Rgb(0.65f, 0.42f, 0.05f));
        canvas.Paint(crown, new Rgb(1.0f, 0.80f, 0.15f));
        canvas.Paint(Shape.Circle(x, y - 0.2f * s, 0.11f * s), new Rgb(0.85f, 0.05f, 0.2f));
    }

    private static float Frac(float v) => v - MathF.Floor(v);

    // Signed offset from the nearest multiple of period, in [-period/2, period/2).
    private static float Wrap(float v, float period) => v - period * MathF.Floor(v / period + 0.5f);

    private static float Distance(Rgb a, Rgb b) => MathF.Sqrt((a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B));
}
