namespace CMLoRA.Engine.World.Rendering;

/// <summary>Paints the small second thing of a scene, centred at (x, y) with half-size o (about 7 pixels).</summary>
internal static class ObjectPainter
{
    private static readonly Rgb[] BallColours = [new(0.90f, 0.15f, 0.15f), new(0.15f, 0.40f, 0.90f), new(0.15f, 0.65f, 0.25f), new(0.95f, 0.55f, 0.10f)];
    private static readonly Rgb[] PetalColours = [new(0.98f, 0.45f, 0.70f), new(0.98f, 0.98f, 0.98f), new(0.70f, 0.45f, 0.95f), new(0.95f, 0.25f, 0.20f)];

    public static void Paint(Canvas canvas, string thing, float x, float y, float o, WorldRandom random)
    {
        switch (thing)
        {
            case "moon":
            {
                var crescent = Shape.Circle(x, y, o).Minus(Shape.Circle(x + 0.5f * o, y - 0.3f * o, 0.82f * o));
                canvas.Paint(crescent, new Rgb(1.0f, 0.93f, 0.55f).Jitter(random, 0.03f));
                break;
            }
            case "ball":
            {
                var colour = random.Pick(BallColours).Jitter(random, 0.04f);
                var ball = Shape.Circle(x, y + 0.1f * o, 0.82f * o);
                canvas.Paint(ball.Grow(0.6f), colour * 0.5f);
                canvas.Paint(ball, colour);
                canvas.Paint(ball.And(Shape.Rect(x - o, y - 0.12f * o, x + o, y + 0.3f * o)), new Rgb(0.97f, 0.97f, 0.97f));
                break;
            }
            case "tree":
            {
                canvas.Paint(Shape.Rect(x - 0.18f * o, y, x + 0.18f * o, y + o), new Rgb(0.45f, 0.28f, 0.12f));
                var crown = Shape.Circle(x, y - 0.25f * o, 0.68f * o).Or(Shape.Circle(x - 0.35f * o, y + 0.05f * o, 0.45f * o))
                    .Or(Shape.Circle(x + 0.35f * o, y + 0.05f * o, 0.45f * o));
                canvas.Paint(crown.Grow(0.5f), new Rgb(0.08f, 0.35f, 0.12f));
                canvas.Paint(crown, new Rgb(0.18f, 0.62f, 0.22f).Jitter(random, 0.04f));
                break;
            }
            case "flower":
            {
                canvas.Paint(Shape.Rect(x - 0.08f * o, y, x + 0.08f * o, y + o), new Rgb(0.2f, 0.6f, 0.2f));
                var petal = random.Pick(PetalColours).Jitter(random, 0.03f);
                float fy = y - 0.25f * o, turn = random.Range(0f, 1.2f);
                for (int k = 0; k < 5; k++)
                {
                    float a = turn + k * 2f * MathF.PI / 5f;
                    var leaf = Shape.Circle(x + 0.42f * o * MathF.Cos(a), fy + 0.42f * o * MathF.Sin(a), 0.3f * o);
                    canvas.Paint(leaf.Grow(0.5f), petal * 0.6f);
                    canvas.Paint(leaf, petal);
                }
                canvas.Paint(Shape.Circle(x, fy, 0.24f * o), new Rgb(0.98f, 0.82f, 0.15f));
                break;
            }
            case "rocket":
                PaintRocket(canvas, x, y, o);
                break;
            case "bolt":
            {
                var bolt = Shape.Polygon(
                    (x + 0.05f * o, y - 1.05f * o), (x + 0.6f * o, y - 1.05f * o), (x + 0.15f * o, y - 0.15f * o), (x + 0.55f * o, y - 0.15f * o),
                    (x - 0.35f * o, y + 1.1f * o), (x - 0.05f * o, y + 0.12f * o), (x - 0.45f * o, y + 0.12f * o));
                canvas.Paint(bolt.Grow(0.8f), new Rgb(0.85f, 0.35f, 0.05f));
                canvas.Paint(bolt, new Rgb(1.0f, 0.88f, 0.12f).Jitter(random, 0.03f));
                break;
            }
            default:
                throw new ArgumentException($"No painter for object '{thing}'.", nameof(thing));
        }
    }

    private static void PaintRocket(Canvas canvas, float x, float y, float o)
    {
        var red = new Rgb(0.88f, 0.15f, 0.15f);
        var flame = Shape.Polygon((x - 0.22f * o, y + 0.7f * o), (x + 0.22f * o, y + 0.7f * o), (x, y + 1.25f * o));
        canvas.Paint(flame.Grow(0.4f), new Rgb(1f, 0.55f, 0.1f));
        canvas.Paint(flame, new Rgb(1f, 0.9f, 0.3f));
        canvas.Paint(Shape.Polygon((x - 0.25f * o, y + 0.2f * o), (x - 0.6f * o, y + 0.85f * o), (x - 0.25f * o, y + 0.7f * o)), red);
        canvas.Paint(Shape.Polygon((x + 0.25f * o, y + 0.2f * o), (x + 0.6f * o, y + 0.85f * o), (x + 0.25f * o, y + 0.7f * o)), red);
        var body = Shape.Ellipse(x, y, 0.33f * o, 0.85f * o);
        canvas.Paint(body.Grow(0.5f), new Rgb(0.35f, 0.35f, 0.4f));
        canvas.Paint(body, new Rgb(0.95f, 0.95f, 0.97f));
        canvas.Paint(body.And(Shape.Rect(x - o, y - o, x + o, y - 0.45f * o)), red);
        canvas.Paint(Shape.Circle(x, y - 0.1f * o, 0.16f * o), new Rgb(0.2f, 0.5f, 0.9f));
    }
}
