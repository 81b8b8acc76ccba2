using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>A large upload is streamed to disk: the studio's peak memory grows far less than the file's size.</summary>
public class LargeUploadTests : IAsyncLifetime
{
    private const int Rank = 40_000; // 40,000 × (768 + 320) fp16 values ≈ 87 MB
    private StudioProcess _studio = null!;
    private string _file = "";

    public async Task InitializeAsync()
    {
        _studio = await StudioProcess.StartAsync(environment: TestAccounts.AdminEnvironment());
        _file = Path.Combine(Path.GetTempPath(), $"cmlora-large-{Guid.NewGuid():N}.safetensors");
        WriteLargeLora(_file);
    }

    public async Task DisposeAsync()
    {
        await _studio.DisposeAsync();
        File.Delete(_file);
        try { Directory.Delete(_studio.DataDir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task ALargeUploadIsStreamedToDiskNotBufferedAsync()
    {
        using var admin = await StudioSession.SignInAsync(_studio, TestAccounts.AdminEmail);
        long size = new FileInfo(_file).Length;
        long before = _studio.PeakMemoryBytes();

        await using var stream = File.OpenRead(_file);
        using var form = new MultipartFormDataContent();
        var part = new StreamContent(stream, 1 << 16);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "files", "large.safetensors");
        using var response = await admin.Http.PostAsync("/api/loras", form);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.True(JsonDocument.Parse(body).RootElement[0].GetProperty("stored").GetBoolean());

        long growth = _studio.PeakMemoryBytes() - before;
        Assert.True(growth < size / 2, $"peak memory grew by {growth / 1048576} MiB for a {size / 1048576} MiB upload");
        Assert.Equal(size, new FileInfo(Directory.GetFiles(Path.Combine(_studio.DataDir, "loras")).Single()).Length);
    }

    // A valid kohya LoRA of one module with a very large rank; the data is zeros, written in chunks.
    private static void WriteLargeLora(string path)
    {
        const string module = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k";
        long down = 2L * Rank * 768, up = 2L * 320 * Rank;
        string header = $"{{\"{module}.lora_down.weight\":{{\"dtype\":\"F16\",\"shape\":[{Rank},768],\"data_offsets\":[0,{down}]}}," +
                        $"\"{module}.lora_up.weight\":{{\"dtype\":\"F16\",\"shape\":[320,{Rank}],\"data_offsets\":[{down},{down + up}]}}}}";
        using var file = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)Encoding.UTF8.GetByteCount(header));
        file.Write(length);
        file.Write(Encoding.UTF8.GetBytes(header));
        var zeros = new byte[1 << 20];
        for (long left = down + up; left > 0; left -= zeros.Length)
            file.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
    }
}
