using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.World;

/// <summary>
/// Training-time augmentation for the concept classifier: horizontal flips, small shifts and zooms, colour jitter,
/// and some blur, down-and-up sampling and noise so that the classifier tolerates the softer pictures a generator
/// makes. Vertical flips are left out on purpose: sky and underwater backgrounds differ by which end is bright.
/// Every operation is batched; per-picture choices are [B, 1, 1, 1] factors or masks.
/// </summary>
public static class ClassifierAugmenter
{
    /// <summary>Augments a batch [B, 3, 64, 64] in [0, 1]; every random choice comes from <paramref name="seed"/>.</summary>
    public static Tensor Apply(Tensor images, long seed)
    {
        using var scope = NewDisposeScope();
        var random = new WorldRandom(seed);
        int batch = (int)images.shape[0];
        Tensor PerImage(Func<float> draw) => tensor(Enumerable.Range(0, batch).Select(_ => draw()).ToArray()).view(batch, 1, 1, 1);
        Tensor Mask(double probability) => PerImage(() => random.Chance(probability) ? 1f : 0f);

        // 1. Geometry: a shift of up to 4 pixels, a zoom of ±6% and a horizontal flip, as one affine resampling with
        //    edge replication (shifting a gradient background must not reveal a black border).
        var theta = new float[batch * 6];
        for (int i = 0; i < batch; i++)
        {
            float zoom = random.Range(0.94f, 1.06f), flip = random.Chance(0.5) ? -1f : 1f;
            theta[6 * i] = zoom * flip;
            theta[6 * i + 2] = random.Range(-4f, 4f) / 32f;
            theta[6 * i + 4] = zoom;
            theta[6 * i + 5] = random.Range(-4f, 4f) / 32f;
        }
        var grid = functional.affine_grid(tensor(theta).view(batch, 2, 3), images.shape, align_corners: false);
        var x = functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);

        // 2. Colour: saturation, contrast, brightness and a slight per-channel tint.
        var grey = (x * tensor(new[] { 0.299f, 0.587f, 0.114f }).view(1, 3, 1, 1)).sum(1, keepdim: true);
        x = grey.add((x - grey) * PerImage(() => random.Range(0.75f, 1.25f)), Scalars.One);
        var mean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        x = ((x - mean) * PerImage(() => random.Range(0.8f, 1.2f))).add(mean, Scalars.One);
        x = x * PerImage(() => random.Range(0.85f, 1.15f));
        var tint = tensor(Enumerable.Range(0, 3 * batch).Select(_ => random.Range(0.94f, 1.06f)).ToArray()).view(batch, 3, 1, 1);
        x = x * tint;

        // 3. Softening like a generator's output: a blur for some pictures, a trip through half resolution for others.
        var blurMask = Mask(0.25);
        x = x.add(blurMask * (GaussianBlur(x, random.Range(0.5f, 0.9f)) - x), Scalars.One);
        var halfMask = Mask(0.12);
        x = x.add(halfMask * (HalfResolution(x) - x), Scalars.One);

        // 4. Pixel noise for some pictures.
        var sigma = PerImage(() => random.Chance(0.6) ? random.Range(0f, 0.05f) : 0f);
        using var generator = new Generator(random.NextBits() >> 1);
        x = x.add(randn(x.shape, generator: generator) * sigma, Scalars.One);
        return x.clamp(Scalars.Zero, Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A fixed, moderate degradation for evaluation (blur σ 0.7, a half-resolution round trip for every other
    /// picture, noise σ 0.02 from a fixed seed): roughly what a small latent-diffusion model's output loses.
    /// </summary>
    public static Tensor Degrade(Tensor images)
    {
        using var scope = NewDisposeScope();
        var blurred = GaussianBlur(images, 0.7f);
        var every = (ScalarSafeOps.Arange(0, images.shape[0], ScalarType.Int64, CPU).remainder(Scalars.Two) == 0).view(-1, 1, 1, 1);
        using var generator = new Generator(1234);
        var noisy = where(every, HalfResolution(blurred), blurred).add(randn(images.shape, generator: generator).Times(0.02f), Scalars.One);
        return noisy.clamp(Scalars.Zero, Scalars.One).MoveToOuterDisposeScope();
    }

    private static Tensor HalfResolution(Tensor x)
    {
        long size = x.shape[2];
        var half = functional.interpolate(x, new long[] { size / 2, size / 2 }, mode: InterpolationMode.Bilinear, align_corners: false);
        return functional.interpolate(half, new long[] { size, size }, mode: InterpolationMode.Bilinear, align_corners: false);
    }

    // A separable 3×3 Gaussian applied per channel with edge replication.
    private static Tensor GaussianBlur(Tensor x, float sigma)
    {
        var taps = new float[3];
        for (int k = 0; k < 3; k++) taps[k] = MathF.Exp(-(k - 1) * (k - 1) / (2 * sigma * sigma));
        float total = taps.Sum();
        var kernel1d = tensor(taps.Select(t => t / total).ToArray());
        var kernel = (kernel1d.view(3, 1) * kernel1d.view(1, 3)).expand(3, 1, 3, 3).contiguous();
        var padded = functional.pad(x, new long[] { 1, 1, 1, 1 }, PaddingModes.Replicate);
        return functional.conv2d(padded, kernel, groups: 3);
    }
}
