using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>A temporary demo LoRA folder as models/builtin/loras will look: NAME.safetensors with optional sidecars.</summary>
public sealed class DemoFolder : IDisposable
{
    public static readonly byte[] Png1x1 = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public string Path { get; } = Directory.CreateTempSubdirectory("cmlora-demo-").FullName;

    /// <summary>Writes a kohya LoRA named after <paramref name="trigger"/> that declares it as its trigger phrase, as the trainer does.</summary>
    public byte[] AddLora(string trigger, int seed)
    {
        byte[] bytes = TestLora.Build(trigger, seed: seed, extraMetadata: new Dictionary<string, string> { ["modelspec.trigger_phrase"] = trigger });
        System.IO.File.WriteAllBytes(File(trigger + ".safetensors"), bytes);
        return bytes;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A NAME.profile.json in the profiler's sidecar format (version 1) for <paramref name="lora"/>.</summary>
    public void AddProfile(string name, byte[] lora, double score, string group)
    {
        object Spectrum(double high) => new
        {
            amplitude = new[] { 9.0, 6.0, 4.0, 3.0, 2.5, 2.0 },
            relative = new[] { 1.0, 0.667, 0.444, 0.333, 0.278, high },
            cutoffRadius = 4,
            highFrequencyScore = high,
            height = 8,
            width = 8,
        };
        var profile = new
        {
            formatVersion = 1,
            loraFileName = name + ".safetensors",
            loraFileLength = (long)lora.Length,
            loraSha256 = TestLora.Sha256(lora),
            model = "builtin",
            score,
            group,
            lowFrequencyThreshold = 0.0,
            loraHighFrequency = 0.25 + score,
            baseHighFrequency = 0.25,
            perSeedScores = new[] { score, score },
            seeds = new[] { 222L, 223L },
            prompt = name,
            negativePrompt = "",
            steps = 12,
            size = 64,
            guidanceScale = 7.5,
            sampler = "dpmpp2m",
            cutoffFraction = 0.140625,
            spectrum = Spectrum(0.25 + score),
            baseSpectrum = Spectrum(0.25),
            createdAt = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero),
        };
        System.IO.File.WriteAllText(File(name + ".profile.json"), JsonSerializer.Serialize(profile));
    }

    /// <summary>Width and height from a baseline or progressive JPEG's frame header.</summary>
    public static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        for (int i = 2; i + 9 < jpeg.Length;)
        {
            if (jpeg[i] != 0xFF) { i++; continue; }
            byte marker = jpeg[i + 1];
            if (marker is 0xC0 or 0xC1 or 0xC2)
                return (BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 7)), BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 5)));
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }
        throw new InvalidDataException("no JPEG frame header");
    }

    public static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
