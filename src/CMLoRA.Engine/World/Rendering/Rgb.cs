namespace CMLoRA.Engine.World.Rendering;

/// <summary>A colour in 0..1 RGB with the few operations the painters need.</summary>
internal readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb White => new(1f, 1f, 1f);
    public static Rgb Black => new(0f, 0f, 0f);

    public float Luminance => 0.299f * R + 0.587f * G + 0.114f * B;

    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static Rgb operator *(Rgb a, float k) => new(a.R * k, a.G * k, a.B * k);

    /// <summary>Linear interpolation: t = 0 gives this colour, t = 1 gives <paramref name="other"/>.</summary>
    public Rgb Mix(Rgb other, float t) => new(R + (other.R - R) * t, G + (other.G - G) * t, B + (other.B - B) * t);

    public Rgb Clamp() => new(Math.Clamp(R, 0f, 1f), Math.Clamp(G, 0f, 1f), Math.Clamp(B, 0f, 1f));

    /// <summary>The colour with a small random change of tone: a global gain and a per-channel shift.</summary>
    public Rgb Jitter(WorldRandom random, float amount)
    {
        float gain = 1f + random.Range(-amount, amount);
        return new Rgb(
            R * gain + random.Range(-amount, amount) * 0.5f,
            G * gain + random.Range(-amount, amount) * 0.5f,
            B * gain + random.Range(-amount, amount) * 0.5f).Clamp();
    }
}
