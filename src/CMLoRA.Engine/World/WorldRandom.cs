namespace CMLoRA.Engine.World;

/// <summary>
/// A small SplitMix64 generator. The world uses it instead of <see cref="System.Random"/> so that renders and datasets
/// stay bit-identical across .NET versions and platforms for the same seed.
/// </summary>
public sealed class WorldRandom
{
    private ulong _state;

    /// <summary>Starts a stream from <paramref name="seed"/>; equal seeds give equal streams.</summary>
    public WorldRandom(long seed) => _state = Mix((ulong)seed ^ 0x6A09E667F3BCC909UL);

    /// <summary>A seed for item <paramref name="index"/> of the stream named by <paramref name="seed"/>, independent of how many items are drawn.</summary>
    public static long Derive(long seed, long index) => (long)Mix(Mix((ulong)seed) ^ ((ulong)index * 0x9E3779B97F4A7C15UL + 0xBB67AE8584CAA73BUL));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextBits()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float Range(float low, float high) => low + (float)NextDouble() * (high - low);

    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public int Next(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        return (int)(NextBits() % (ulong)count);
    }

    /// <summary>True with probability <paramref name="probability"/>.</summary>
    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>A uniformly chosen element of <paramref name="items"/>.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A standard normal sample (Box–Muller).</summary>
    public float Gaussian()
    {
        double u = 1.0 - NextDouble();
        double v = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
