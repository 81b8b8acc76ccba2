using System.Text;
using CMLoRA.Engine.Recipes;
using SixLabors.ImageSharp;
using PngMetadata = CMLoRA.Engine.Recipes.PngMetadata;

namespace CMLoRA.Engine.Tests.Recipes;

public class PngMetadataTests
{
    [Fact]
    public void EmbedsTextAndRecipeChunksBeforeIendWithCorrectCrcs()
    {
        byte[] png = PngMetadata.Embed(PngBytes.Small(), "a cat\nSteps: 20, Seed: 1, Size: 4x2", """{"model":{"name":"m"}}""");
        var chunks = PngBytes.Chunks(png);
        Assert.Equal(["IHDR", "IDAT", "tEXt", "iTXt", "IEND"], chunks.Select(c => c.Type).Where(t => t != "pHYs"));
        Assert.All(chunks, c => Assert.Equal(PngBytes.Crc(c.Type, c.Data), c.Crc));
        Assert.Equal("parameters\0a cat\nSteps: 20, Seed: 1, Size: 4x2", Encoding.Latin1.GetString(chunks.Single(c => c.Type == "tEXt").Data));
        Assert.Equal("cmlora-recipe\0\0\0\0\0{\"model\":{\"name\":\"m\"}}", Encoding.UTF8.GetString(chunks.Single(c => c.Type == "iTXt").Data));

        var (infotext, recipe) = PngMetadata.Read(png);
        Assert.Equal(("a cat\nSteps: 20, Seed: 1, Size: 4x2", """{"model":{"name":"m"}}"""), (infotext, recipe));
    }

    [Fact]
    public void ImageSharpReadsTheParametersChunkAsOtherToolsWould()
    {
        byte[] png = PngMetadata.Embed(PngBytes.Small(), "prompt ü\nSteps: 1", null);
        using var image = Image.Load(png);
        var text = image.Metadata.GetPngMetadata().TextData;
        Assert.Contains(text, t => t.Keyword == "parameters" && t.Value == "prompt ü\nSteps: 1");
    }

    [Fact]
    public void NonLatin1InfotextGoesToAnITxtChunk()
    {
        byte[] png = PngMetadata.Embed(PngBytes.Small(), "猫, 日本語\nSteps: 1", null);
        var chunk = Assert.Single(PngBytes.Chunks(png), c => c.Type is "tEXt" or "iTXt");
        Assert.Equal("iTXt", chunk.Type);
        Assert.Equal("猫, 日本語\nSteps: 1", PngMetadata.Read(png).Infotext);
    }

    [Fact]
    public void EmbeddingAgainReplacesTheChunksAndKeepsOthers()
    {
        byte[] png = PngBytes.Insert(PngBytes.Small(), "tEXt", PngBytes.Text("Software", "other tool"));
        png = PngMetadata.Embed(png, "first", "{}");
        png = PngMetadata.Embed(png, "second", """{"v":2}""");
        var read = PngMetadata.Read(png);
        Assert.Equal(("second", """{"v":2}"""), (read.Infotext, read.RecipeJson));
        Assert.Equal("other tool", read.OtherText["Software"]);
        Assert.Empty(read.Warnings);
        Assert.Equal(3, PngBytes.Chunks(png).Count(c => c.Type is "tEXt" or "iTXt"));
    }

    [Fact]
    public void ReadsCompressedZTxtAndITxtFromOtherTools()
    {
        byte[] png = PngBytes.Insert(PngBytes.Small(), "zTXt", PngBytes.ZText("parameters", Encoding.Latin1.GetBytes("zipped prompt\nSteps: 3")));
        png = PngBytes.Insert(png, "iTXt", PngBytes.IText("cmlora-recipe", "{\"p\":\"日本\"}", compressed: true));
        var read = PngMetadata.Read(png);
        Assert.Equal(("zipped prompt\nSteps: 3", "{\"p\":\"日本\"}"), (read.Infotext, read.RecipeJson));
    }

    [Fact]
    public void ADecompressionBombIsSkippedAfterTheCap()
    {
        // 64 MiB of zeros deflate to about 64 KiB; reading stops at the 4 MiB cap.
        byte[] bomb = PngBytes.ZText("parameters", new byte[64 * 1024 * 1024]);
        Assert.True(bomb.Length < 200_000);
        var read = PngMetadata.Read(PngBytes.Insert(PngBytes.Small(), "zTXt", bomb));
        Assert.Null(read.Infotext);
        Assert.Contains(read.Warnings, w => w.EndsWith($"inflates to more than {PngMetadata.MaxDecompressedBytes} bytes; skipped."));
    }

    [Fact]
    public void AChunkWithAWrongCrcIsSkipped()
    {
        byte[] png = PngBytes.Insert(PngBytes.Small(), "tEXt", PngBytes.Text("parameters", "tampered"), crc: 0x12345678);
        var read = PngMetadata.Read(png);
        Assert.Null(read.Infotext);
        Assert.Contains(read.Warnings, w => w.StartsWith("tEXt chunk at byte ") && w.EndsWith(" has a wrong CRC; skipped."));
    }

    [Fact]
    public void ALengthBeyondTheBufferStopsReadingWithoutThrowing()
    {
        byte[] png = PngMetadata.Embed(PngBytes.Small(), "kept", null);
        int iend = png.Length - 12;
        byte[] bad = [.. png.AsSpan(0, iend), 0x7F, 0xFF, 0xFF, 0xFF, .. "tEXt"u8, .. "parameters\0x"u8];
        var read = PngMetadata.Read(bad);
        Assert.Equal("kept", read.Infotext);
        Assert.Equal("The PNG is truncated; chunks before the cut were read.", Assert.Single(read.Warnings));
        var e = Assert.Throws<RecipeFormatException>(() => PngMetadata.Embed(bad, "x", null));
        Assert.Equal("The PNG is truncated: it does not end with an IEND chunk.", e.Message);
    }

    [Fact]
    public void OversizedTextChunksAreSkipped()
    {
        byte[] png = PngBytes.Insert(PngBytes.Small(), "tEXt", PngBytes.Text("parameters", new string('a', PngMetadata.MaxTextChunkBytes)));
        var read = PngMetadata.Read(png);
        Assert.Null(read.Infotext);
        Assert.Contains(read.Warnings, w => w.Contains($"(more than {PngMetadata.MaxTextChunkBytes}); skipped."));
    }

    [Fact]
    public void NonPngBytesAreRefused()
    {
        var e = Assert.Throws<RecipeFormatException>(() => PngMetadata.Read("GIF89a......"u8.ToArray()));
        Assert.Equal("The file is not a PNG (its first bytes are not the PNG signature).", e.Message);
    }

    [Fact]
    public void ASecondParametersChunkIsIgnoredWithAWarning()
    {
        byte[] png = PngBytes.Insert(PngMetadata.Embed(PngBytes.Small(), "first", null), "tEXt", PngBytes.Text("parameters", "second"));
        var read = PngMetadata.Read(png);
        Assert.Equal("first", read.Infotext);
        Assert.Equal("A second 'parameters' chunk was ignored.", Assert.Single(read.Warnings));
    }
}
