namespace CMLoRA.Engine.World.Rendering;

/// <summary>
/// A region of the plane given by an inside test and a bounding box (pixel units, y down). Painters rasterise it
/// with supersampling, so shapes stay simple predicates and edges still come out anti-aliased.
/// </summary>
internal sealed record Shape(Func<float, float, bool> Contains, float X0, float Y0, float X1, float Y1)
{
    public static Shape Circle(float cx, float cy, float r) =>
        Ellipse(cx, cy, r, r);

    public static Shape Ellipse(float cx, float cy, float rx, float ry) =>
        new((x, y) => Sq((x - cx) / rx) + Sq((y - cy) / ry) <= 1f, cx - rx, cy - ry, cx + rx, cy + ry);

    public static Shape Rect(float x0, float y0, float x1, float y1) =>
        new((x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1, x0, y0, x1, y1);

    public static Shape Annulus(float cx, float cy, float inner, float outer) =>
        new((x, y) => { float d = Sq(x - cx) + Sq(y - cy); return d <= outer * outer && d >= inner * inner; },
            cx - outer, cy - outer, cx + outer, cy + outer);

    /// <summary>A polygon by the even–odd rule; points are (x, y) pairs.</summary>
    public static Shape Polygon(params (float X, float Y)[] points)
    {
        var p = points.ToArray();
        return new Shape((x, y) =>
        {
            bool inside = false;
            for (int i = 0, j = p.Length - 1; i < p.Length; j = i++)
            {
                if ((p[i].Y > y) != (p[j].Y > y) &&
                    x < (p[j].X - p[i].X) * (y - p[i].Y) / (p[j].Y - p[i].Y) + p[i].X)
                    inside = !inside;
            }
            return inside;
        }, p.Min(q => q.X), p.Min(q => q.Y), p.Max(q => q.X), p.Max(q => q.Y));
    }

    /// <summary>A star with <paramref name="points"/> tips, one pointing straight up.</summary>
    public static Shape Star(float cx, float cy, float outer, float inner, int points = 5)
    {
        var vertices = new (float, float)[points * 2];
        for (int i = 0; i < vertices.Length; i++)
        {
            double angle = -Math.PI / 2 + i * Math.PI / points;
            float r = i % 2 == 0 ? outer : inner;
            vertices[i] = (cx + r * (float)Math.Cos(angle), cy + r * (float)Math.Sin(angle));
        }
        return Polygon(vertices);
    }

    public Shape Or(Shape other) =>
        new((x, y) => Contains(x, y) || other.Contains(x, y),
            Math.Min(X0, other.X0), Math.Min(Y0, other.Y0), Math.Max(X1, other.X1), Math.Max(Y1, other.Y1));

    public Shape And(Shape other) =>
        new((x, y) => Contains(x, y) && other.Contains(x, y),
            Math.Max(X0, other.X0), Math.Max(Y0, other.Y0), Math.Min(X1, other.X1), Math.Min(Y1, other.Y1));

    public Shape Minus(Shape other) =>
        new((x, y) => Contains(x, y) && !other.Contains(x, y), X0, Y0, X1, Y1);

    /// <summary>The region grown by about <paramref name="d"/> pixels (tested at eight offsets).</summary>
    public Shape Grow(float d)
    {
        float k = d * 0.7071f;
        return new((x, y) => Contains(x, y) || Contains(x - d, y) || Contains(x + d, y) || Contains(x, y - d) ||
                             Contains(x, y + d) || Contains(x - k, y - k) || Contains(x + k, y - k) ||
                             Contains(x - k, y + k) || Contains(x + k, y + k),
            X0 - d, Y0 - d, X1 + d, Y1 + d);
    }

    private static float Sq(float v) => v * v;
}
