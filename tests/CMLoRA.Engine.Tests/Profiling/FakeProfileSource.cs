using CMLoRA.Engine.Profiling;

namespace CMLoRA.Engine.Tests.Profiling;

/// <summary>
/// Synthetic images instead of a model. The base image of a seed is a gradient with moderate seeded noise; a LoRA
/// whose file name contains "checker" adds a one-pixel checkerboard (high-frequency energy), "smooth" replaces the
/// noise by a faint one (removes high-frequency energy), anything else returns the base image unchanged.
/// </summary>
public sealed class FakeProfileSource(int size = 64) : IProfileImageSource
{
    public List<ProfileRender> Renders { get; } = [];

    /// <summary>Cancelled after this many renders, when set.</summary>
    public (int After, CancellationTokenSource Source)? CancelAfter { get; set; }

    public string ModelName => "fake-model";

    public int NativeSize => size;

    public ProfileImage Render(ProfileRender request, Action<int, int>? stepProgress, CancellationToken cancellationToken)
    {
        for (int step = 1; step <= request.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stepProgress?.Invoke(step, request.Steps);
        }
        Renders.Add(request);
        if (CancelAfter is { } cancel && Renders.Count >= cancel.After) cancel.Source.Cancel();

        string kind = request.LoraPath is null ? "base" : Path.GetFileNameWithoutExtension(request.LoraPath);
        // The prompt enters the noise so that different prompts give different base images, like a model's. The seed is
        // computed, not HashCode.Combine'd: that hash is randomised per process and made this source flaky.
        var random = new Random(unchecked((int)request.Seed * 7919 + request.Prompt.Length));
        int n = request.Size;
        var rgb = new byte[n * n * 3];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double gradient = 40 + 160.0 * (x + y) / (2 * n);
                double noise = (random.NextDouble() - 0.5) * 40;
                double value = kind switch
                {
                    _ when kind.Contains("checker") => gradient + noise + ((x + y) % 2 == 0 ? 40 : -40),
                    _ when kind.Contains("smooth") => gradient + noise / 20,
                    _ => gradient + noise,
                };
                byte v = (byte)Math.Clamp(value, 0, 255);
                // Unequal channels, so the grey conversion's truncation is exercised.
                rgb[3 * (y * n + x)] = v;
                rgb[3 * (y * n + x) + 1] = (byte)Math.Clamp(v + 1, 0, 255);
                rgb[3 * (y * n + x) + 2] = (byte)Math.Clamp(v + 3, 0, 255);
            }
        return new ProfileImage(rgb, n, n);
    }
}
