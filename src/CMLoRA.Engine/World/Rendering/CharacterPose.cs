namespace CMLoRA.Engine.World.Rendering;

/// <summary>
/// Where a character's body and face sit: the body shape and the anchor points clothing attaches to
/// (hat base, eye line, mouth, neck), all in pixels.
/// </summary>
internal sealed record CharacterPose(Shape Body, float Cx, float Cy, float S, float HatY, float EyeY, float EyeDx, float MouthY, float NeckY)
{
    /// <summary>The pose of <paramref name="character"/> centred at (cx, cy) with half-size s.</summary>
    public static CharacterPose For(string character, float cx, float cy, float s) => character switch
    {
        "circle" => new(Shape.Circle(cx, cy, s), cx, cy, s, cy - 0.92f * s, cy - 0.2f * s, 0.38f * s, cy + 0.22f * s, cy + 0.5f * s),
        "square" => new(Shape.Rect(cx - 0.88f * s, cy - 0.88f * s, cx + 0.88f * s, cy + 0.88f * s),
            cx, cy, s, cy - 0.88f * s, cy - 0.25f * s, 0.4f * s, cy + 0.18f * s, cy + 0.45f * s),
        "triangle" => new(Shape.Polygon((cx, cy - 1.1f * s), (cx + 1.12f * s, cy + 0.86f * s), (cx - 1.12f * s, cy + 0.86f * s)),
            cx, cy, s, cy - 0.72f * s, cy + 0.08f * s, 0.3f * s, cy + 0.45f * s, cy + 0.62f * s),
        "diamond" => new(Shape.Polygon((cx, cy - 1.15f * s), (cx + 1.0f * s, cy), (cx, cy + 1.15f * s), (cx - 1.0f * s, cy)),
            cx, cy, s, cy - 0.8f * s, cy - 0.12f * s, 0.36f * s, cy + 0.28f * s, cy + 0.5f * s),
        "ghost" => new(Ghost(cx, cy, s), cx, cy, s, cy - 0.98f * s, cy - 0.3f * s, 0.36f * s, cy + 0.12f * s, cy + 0.4f * s),
        "star_person" => new(Shape.Star(cx, cy + 0.08f * s, 1.25f * s, 0.64f * s), cx, cy, s,
            cy - 0.78f * s, cy + 0.02f * s, 0.24f * s, cy + 0.33f * s, cy + 0.42f * s),
        _ => throw new ArgumentException($"No painter for character '{character}'.", nameof(character)),
    };

    // Dome on top, straight sides, and a hem of three downward scallops.
    private static Shape Ghost(float cx, float cy, float s)
    {
        float r = 0.86f * s, top = cy - 0.12f * s, hem = cy + 0.78f * s, left = cx - r;
        var dome = Shape.Circle(cx, top, r);
        var skirt = new Shape((x, y) =>
        {
            if (x < left || x > cx + r || y < top) return false;
            float bump = 0.26f * s * MathF.Abs(MathF.Sin(MathF.PI * 3f * (x - left) / (2f * r)));
            return y <= hem + bump;
        }, left, top, cx + r, hem + 0.26f * s);
        return dome.Or(skirt);
    }

    /// <summary>The left and right edge of the body on row <paramref name="y"/> (scanned at quarter pixels).</summary>
    public (float Left, float Right) WidthAt(float y)
    {
        float left = Cx, right = Cx;
        for (float x = Body.X0 - 1; x <= Body.X1 + 1; x += 0.25f)
        {
            if (!Body.Contains(x, y)) continue;
            left = Math.Min(left, x);
            right = Math.Max(right, x);
        }
        return (left, right);
    }
}
