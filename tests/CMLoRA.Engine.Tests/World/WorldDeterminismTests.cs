using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.World;

public class WorldDeterminismTests
{
    private static readonly SceneSpec Busy = new("star_person", "green", Eyes: true, Smile: true, Background: "aurora",
        Clothing: "crown", Style: "halftone", Object: "rocket");

    [Fact]
    public void Same_spec_and_seed_render_identical_pixels()
    {
        Assert.Equal(SceneRenderer.Render(Busy, 42), SceneRenderer.Render(Busy, 42));
    }

    [Fact]
    public void Different_seeds_jitter_the_picture()
    {
        var a = SceneRenderer.Render(Busy, 1);
        var b = SceneRenderer.Render(Busy, 2);
        double meanDifference = a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(meanDifference > 0.01, $"mean |difference| {meanDifference:F4}");
    }

    [Fact]
    public void Every_concept_renders_into_the_unit_range()
    {
        var sampler = new SceneSampler(5);
        foreach (var concept in ConceptCatalog.All)
        {
            var spec = concept.IsNovel ? sampler.NextWith(concept) : sampler.NextBase().With(concept);
            var pixels = SceneRenderer.Render(spec, 9);
            Assert.Equal(3 * 64 * 64, pixels.Length);
            Assert.All(pixels, v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Fact]
    public void Render_tensor_has_the_render_layout()
    {
        using var t = SceneRenderer.RenderTensor(Busy, 3);
        Assert.Equal(new long[] { 3, 64, 64 }, t.shape);
        Assert.Equal(SceneRenderer.Render(Busy, 3), t.data<float>().ToArray());
    }

    [Fact]
    public void Same_sampler_seed_gives_the_same_specs()
    {
        var a = new SceneSampler(11);
        var b = new SceneSampler(11);
        for (int i = 0; i < 50; i++) Assert.Equal(a.NextMixed(), b.NextMixed());
    }

    [Fact]
    public void Dataset_with_the_same_seed_has_identical_files_and_extends_a_smaller_one()
    {
        using var dir = new TempDirectory();
        string small = dir.File("small"), again = dir.File("again"), large = dir.File("large");
        DatasetWriter.Write(small, 4, seed: 77);
        DatasetWriter.Write(again, 4, seed: 77);
        DatasetWriter.Write(large, 6, seed: 77);
        for (int i = 0; i < 4; i++)
        {
            var name = $"{i:D5}.png";
            Assert.Equal(File.ReadAllBytes(Path.Combine(small, name)), File.ReadAllBytes(Path.Combine(again, name)));
            Assert.Equal(File.ReadAllBytes(Path.Combine(small, name)), File.ReadAllBytes(Path.Combine(large, name)));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(small, DatasetWriter.CaptionsFile)), File.ReadAllText(Path.Combine(again, DatasetWriter.CaptionsFile)));
        Assert.True(File.Exists(Path.Combine(small, DatasetWriter.ContactSheetFile)));
    }

    [Fact]
    public void Captions_file_round_trips_specs_and_seeds_that_redraw_the_png()
    {
        using var dir = new TempDirectory();
        var zorbly = ConceptCatalog.Find("zorbly")!;
        var written = DatasetWriter.Write(dir.Path, 3, seed: 5, novel: zorbly);
        var read = DatasetWriter.ReadCaptions(dir.Path);
        Assert.Equal(written.Select(r => r.Caption), read.Select(r => r.Caption));
        foreach (var record in read)
        {
            Assert.Equal("star_person", record.Character);
            Assert.Equal(["zorbly"], record.Triggers);
            var pixels = SceneRenderer.Render(record.ToSpec(), record.Seed);
            using var png = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(Path.Combine(dir.Path, record.File));
            var p = png[10, 20];
            Assert.Equal((byte)MathF.Round(pixels[20 * 64 + 10] * 255f), p.R);
            Assert.Equal((byte)MathF.Round(pixels[4096 + 20 * 64 + 10] * 255f), p.G);
            Assert.Equal((byte)MathF.Round(pixels[8192 + 20 * 64 + 10] * 255f), p.B);
        }
    }
}
