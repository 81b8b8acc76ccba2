using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Tests.Generation;
using Xunit.Abstractions;

namespace CMLoRA.Engine.Tests.Tensors;

/// <summary>
/// The whole generation hot path (text encoder and UNet with LoRA adapters, composition mixing, CFG, three samplers,
/// preview, VAE decode, PNG) repeated while another thread forces garbage collections and finalizers without pause.
/// A TorchSharp <c>Scalar</c> whose last reference dies before libtorch has read it can be finalized mid-call there
/// (a crash in c10::Scalar, or a silently wrong alpha), so every repeat must give exactly the bytes and latent
/// statistics of the first run.
/// </summary>
public class ScalarLifetimeStressTests(TinyGeneratorFixture fixture, ITestOutputHelper output) : IClassFixture<TinyGeneratorFixture>
{
    // Repeats under pressure for about this long after the unpressured first round, at least once.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private const int MaxRounds = 20;

    // Between them: runtime adapters with CMLoRA's per-step mixing and feature cache, merged weights (merge and
    // restore), and the DPM-Solver++, Euler-ancestral (its Euler update and fresh noise) and DDIM steps.
    private static readonly (CompositionMethod Method, string Sampler)[] Variants =
    [
        (CompositionMethod.CmLora, "dpmpp2m"),
        (CompositionMethod.Merge, "euler_a"),
        (CompositionMethod.Composite, "ddim"),
    ];

    [Fact]
    public void GenerationIsIdenticalWhileAnotherThreadCollectsGarbage()
    {
        var expected = Variants.Select(Fingerprint).ToArray();
        // The latent statistic must really be measured, or the fingerprint would be the 8-bit PNG alone.
        Assert.All(expected, e => Assert.DoesNotContain("null", e.Latents));
        output.WriteLine($"digest of the first round: {Digest(expected)}");

        long collections = 0;
        int rounds = 0;
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true, Name = "gc-pressure" };
        var clock = Stopwatch.StartNew();
        collector.Start();
        try
        {
            do
            {
                for (int i = 0; i < Variants.Length; i++)
                {
                    var again = Fingerprint(Variants[i]);
                    Assert.True(expected[i] == again,
                        $"{Variants[i]} round {rounds + 1} differs from the first run:\n{again}\nexpected\n{expected[i]}");
                }
                rounds++;
            } while (clock.Elapsed < Budget && rounds < MaxRounds);
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        output.WriteLine($"{rounds} rounds of {Variants.Length} generations in {clock.Elapsed.TotalSeconds:F1} s, {Interlocked.Read(ref collections)} forced collections");
        Assert.True(Interlocked.Read(ref collections) >= rounds, "the collector thread must run alongside the generations");
    }

    private Result Fingerprint((CompositionMethod Method, string Sampler) variant)
    {
        LoraRequest[] loras = variant.Method == CompositionMethod.None
            ? []
            : [
                new LoraRequest(fixture.LoraPath, 0.8f, LoraCategory.Character, Id: "a"),
                new LoraRequest(fixture.LoraPath, 0.5f, LoraCategory.Background, Id: "b"),
            ];
        var request = new TextToImageRequest(Width: 64, Height: 64, Steps: 3, GuidanceScale: 7.5, Seed: 11, Sampler: variant.Sampler);
        var previews = new StringBuilder();
        var result = fixture.Generator.Generate(new GenerationJob("a red circle, (sunset:1.2)", "blurry", loras, variant.Method, null, request),
            p => previews.Append(Convert.ToHexString(SHA256.HashData(p.RenderPreview().Rgb))));
        string latents = string.Join(" ", result.Stats.LatentHighFrequency.Select(v => v?.ToString("R", CultureInfo.InvariantCulture) ?? "null"));
        return new Result(Convert.ToHexString(SHA256.HashData(result.Png)), latents, Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(previews.ToString()))));
    }

    private static string Digest(IEnumerable<Result> results) =>
        Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join("\n", results)))).ToLowerInvariant()[..16];

    /// <summary>SHA-256 of the PNG, each step's latent high-frequency score (round-trip precision) and the previews' hash.</summary>
    private sealed record Result(string Png, string Latents, string Previews)
    {
        public override string ToString() => $"png {Png}\nlatent scores {Latents}\npreviews {Previews}";
    }
}
