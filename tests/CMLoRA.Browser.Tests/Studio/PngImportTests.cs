using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CMLoRA.TestSupport;
using Microsoft.Playwright;

namespace CMLoRA.Browser.Tests.Studio;

/// <summary>Dropping a PNG with A1111 infotext on the Generate page restores its settings, with LoRAs found by hash.</summary>
[Collection(GenerationBrowserCollection.Name)]
public class PngImportTests(GenerationBrowserFixture fixture)
{
    [Fact]
    public async Task DroppingAGeneratedPngRestoresPromptLorasAndSettingsAsync()
    {
        await fixture.AdminApi.CreateAccountAsync("ida@studio.test", "Ida");
        var api = await fixture.ApiAsync("ida@studio.test");
        var loras = new object[] { new { loraId = fixture.LoraBId, weight = 0.7 }, new { loraId = fixture.LoraAId, weight = 1.2 } };
        Guid job = await JobClient.SubmitAsync(api.Http, JobClient.TinyRequest(steps: 3, seed: 55, method: "merge", loras: loras));
        var done = await JobClient.WaitAsync(api.Http, job, JobClient.IsFinal);
        Assert.Equal("Finished", JobClient.Status(done));
        Guid imageId = done.GetProperty("imageIds")[0].GetGuid();
        byte[] png = await api.Http.GetByteArrayAsync($"/api/images/{imageId}/png");
        var image = await api.Http.GetFromJsonAsync<JsonElement>($"/api/images/{imageId}");
        // Stored PNGs carry the infotext once the PNG chunk writer is wired in; until then the test adds it as A1111 does.
        if (!HasParameters(png)) png = WithParameters(png, image.GetProperty("infotext").GetString()!);

        var context = await fixture.SignedInContextAsync("ida@studio.test");
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("/generate");
            await BrowserFlows.WaitForCircuitAsync(page);
            await page.Locator("#png-import").SetInputFilesAsync(new FilePayload { Name = "made-here.png", MimeType = "image/png", Buffer = png });
            await Assertions.Expect(page.Locator(".import-note").First).ToContainTextAsync("Settings restored from made-here.png");
            await Assertions.Expect(page.GetByLabel("Prompt", new() { Exact = true })).ToHaveValueAsync("a red cube on a table");
            await Assertions.Expect(page.GetByLabel("Negative prompt")).ToHaveValueAsync("blurry");
            var rows = page.Locator("#picked-loras tr[data-lora]");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.Nth(0)).ToHaveAttributeAsync("data-lora", GenerationBrowserFixture.LoraB);
            await Assertions.Expect(rows.Nth(1)).ToHaveAttributeAsync("data-lora", GenerationBrowserFixture.LoraA);
            await Assertions.Expect(page.GetByLabel($"Weight of {GenerationBrowserFixture.LoraB}")).ToHaveValueAsync("0.7");
            await Assertions.Expect(page.GetByLabel("Steps", new() { Exact = true })).ToHaveValueAsync("3");
            await Assertions.Expect(page.GetByLabel("Seed", new() { Exact = true })).ToHaveValueAsync("55");
            await Assertions.Expect(page.GetByLabel("Width", new() { Exact = true })).ToHaveValueAsync("64");

            // A PNG without parameters is refused in words.
            await page.Locator("#png-import").SetInputFilesAsync(new FilePayload { Name = "plain.png", MimeType = "image/png", Buffer = StripText(png) });
            await Assertions.Expect(page.Locator("#import-error")).ToContainTextAsync("plain.png: The PNG carries no generation parameters");
        }
        catch
        {
            await BrowserFixture.ScreenshotAsync(page, "png-import-failure");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static IEnumerable<(string Type, int Offset, int Length)> Chunks(byte[] png)
    {
        for (int offset = 8; offset + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            yield return (Encoding.ASCII.GetString(png, offset + 4, 4), offset, length);
            offset += 12 + length;
        }
    }

    private static bool HasParameters(byte[] png) =>
        Chunks(png).Any(c => c.Type is "tEXt" or "iTXt" && Encoding.Latin1.GetString(png, c.Offset + 8, Math.Min(c.Length, 11)) == "parameters\0");

    private static byte[] StripText(byte[] png)
    {
        using var output = new MemoryStream();
        output.Write(png, 0, 8);
        foreach (var c in Chunks(png).Where(c => c.Type is not ("tEXt" or "iTXt" or "zTXt"))) output.Write(png, c.Offset, c.Length + 12);
        return output.ToArray();
    }

    /// <summary>Inserts a tEXt "parameters" chunk after IHDR (Latin-1, as A1111 writes short ASCII infotext).</summary>
    private static byte[] WithParameters(byte[] png, string infotext)
    {
        byte[] data = [.. Encoding.Latin1.GetBytes("parameters"), 0, .. Encoding.Latin1.GetBytes(infotext)];
        byte[] chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes("tEXt").CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        var ihdr = Chunks(png).First();
        int after = ihdr.Offset + 12 + ihdr.Length;
        return [.. png.AsSpan(0, after), .. chunk, .. png.AsSpan(after)];
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
