using System.Net;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>Every bad upload gets a clear reason and leaves no file (stored or temporary) and no row behind.</summary>
[Collection(StudioCollection.Name)]
public class IngestRejectionTests(StudioFixture fixture)
{
    public static TheoryData<string, string, byte[], string> BadFiles()
    {
        byte[] good = TestLora.Build("bad_base", seed: 99);
        byte[] f32x4 = new byte[16];
        return new TheoryData<string, string, byte[], string>
        {
            { "truncated", "cut.safetensors", good[..^100], "the file may be truncated" },
            { "header longer than file", "long.safetensors", TestLora.WithHeader("{}", new byte[16], declaredLength: 1_000_000),
                "header length 1000000 is larger than the file (26 bytes)" },
            { "overlapping offsets", "overlap.safetensors",
                TestLora.WithHeader("{\"a.lora_down.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b.lora_up.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                "tensor 'b.lora_up.weight' overlaps tensor 'a.lora_down.weight'" },
            { "wrong dtype size", "dtype.safetensors",
                TestLora.WithHeader("{\"x.lora_down.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", f32x4[..8]),
                "F32 shape [2,2] needs 16 bytes but data_offsets cover 8" },
            { "pickle renamed", "sneaky.safetensors", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28, 0x58, 0x05, 0x00, 0x00, 0x00, 0x73, 0x74],
                "this is a PyTorch pickle (.ckpt/.pt), not a safetensors file" },
            { "zip pickle renamed", "zipped.safetensors", [(byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0],
                "this is a PyTorch pickle (.ckpt/.pt), not a safetensors file" },
            { "empty", "empty.safetensors", [], "the file is empty (0 bytes)" },
            { "path in name", "../../etc/evil.safetensors", good, "contains a path (/, \\ or ..); send the file under its plain name" },
            { "backslash in name", "sub\\evil.safetensors", good, "contains a path (/, \\ or ..)" },
            { "checkpoint extension", "model.ckpt", good, "Pickles can run arbitrary code when loaded" },
            { "pt extension", "weights.pt", good, "is refused: this is a PyTorch pickle" },
            { "other extension", "notes.txt", good, "is not a .safetensors file" },
            { "not a LoRA", "checkpoint.safetensors",
                TestLora.Serialize([new TestLora.Tensor("model.diffusion_model.input_blocks.0.0.weight", "F16", [2, 2], new byte[8])]),
                "the file has 1 key(s) this loader does not support: 'model.diffusion_model.input_blocks.0.0.weight'" },
            { "not JSON", "garbage.safetensors", TestLora.WithHeader("not json at all", new byte[4]), "header is not a JSON object" },
            { "too large", "huge.safetensors", new byte[StudioFixture.MaxUploadBytes + 1], "larger than the upload limit of 256 KiB (Studio:MaxUploadBytes)" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task BadUploadsAreRefusedWithTheReasonAndLeaveNothingBehindAsync(string kind, string fileName, byte[] content, string reason)
    {
        var (lorasBefore, _) = fixture.StoredFiles();
        int rowsBefore = await fixture.LoraRowCountAsync();

        using var response = await fixture.Alice.UploadAsync("/api/loras", (fileName, content));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind}: {(int)response.StatusCode}");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Upload rejected", problem.RootElement.GetProperty("title").GetString());
        string detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains(reason, detail);
        var file = problem.RootElement.GetProperty("files")[0];
        Assert.False(file.GetProperty("stored").GetBoolean());

        var (lorasAfter, tempAfter) = fixture.StoredFiles();
        Assert.Equal(lorasBefore.Order(), lorasAfter.Order());
        Assert.Empty(tempAfter);
        Assert.Equal(rowsBefore, await fixture.LoraRowCountAsync());
        Assert.False(File.Exists(Path.Combine(fixture.Studio.DataDir, "evil.safetensors")));
    }

    [Fact]
    public async Task AGoodFileNextToABadOneIsStillStoredAndTheBadOneNamedAsync()
    {
        using var response = await fixture.Alice.UploadAsync("/api/loras",
            ("fine.safetensors", TestLora.Build("fine_one", seed: 123)), ("empty.safetensors", []));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("empty.safetensors: the file is empty (0 bytes)", problem.RootElement.GetProperty("detail").GetString());
        var files = problem.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.True(files[0].GetProperty("stored").GetBoolean());
        Assert.False(files[1].GetProperty("stored").GetBoolean());
    }

    [Fact]
    public async Task UploadsNeedMultipartFormDataAsync()
    {
        using var response = await fixture.Alice.Http.PostAsync("/api/loras", new ByteArrayContent(TestLora.Build()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("send the files as multipart/form-data", await response.Content.ReadAsStringAsync());
    }
}
