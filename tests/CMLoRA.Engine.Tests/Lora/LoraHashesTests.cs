using System.Security.Cryptography;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tests.Support;
using static CMLoRA.Engine.Tests.Lora.LoraTestFiles;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>Hashes against an independent whole-buffer computation, and proof that hashing streams.</summary>
public class LoraHashesTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteLora(string name, int seed, Dictionary<string, string>? metadata = null) =>
        Write(_temp, name,
        [
            // ~2 MB so the data spans several 1 MiB reads and the AutoV1 window at 1 MiB lies inside the file.
            ("lora_unet_mid_block_attentions_0_proj_in.lora_down.weight", Random(seed, 192, 1280, 1, 1)),
            ("lora_unet_mid_block_attentions_0_proj_in.lora_up.weight", Random(seed + 1, 1280, 192, 1, 1)),
            ("lora_unet_mid_block_attentions_0_proj_in.alpha", Scalar(32f)),
        ], metadata);

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    [Fact]
    public void HashesMatchAWholeFileComputation()
    {
        string path = WriteLora("hash.safetensors", 1, new() { ["ss_output_name"] = "hash" });
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        string sha = Hex(SHA256.HashData(bytes));
        string afterHeader = Hex(SHA256.HashData(bytes.AsSpan((int)(8 + headerLength))));
        string window = Hex(SHA256.HashData(bytes.AsSpan(0x100000, 0x10000)));

        var hashes = LoraHashes.Compute(path);

        Assert.Equal(bytes.Length, hashes.FileLength);
        Assert.Equal(sha, hashes.Sha256);
        Assert.Equal(sha[..10], hashes.AutoV2);
        Assert.Equal(afterHeader, hashes.AutoV3);
        Assert.Equal(afterHeader[..12], hashes.AutoV3Short);
        Assert.Equal(window[..8], hashes.AutoV1);
        Assert.Matches("^[0-9a-f]{64}$", hashes.Sha256);
    }

    [Fact]
    public void AutoV3IgnoresMetadataAndMatchesTheStoredHash()
    {
        string plain = WriteLora("plain.safetensors", 2);
        var first = LoraHashes.Compute(plain);
        string stamped = WriteLora("stamped.safetensors", 2, new() { ["sshs_model_hash"] = first.AutoV3!, ["ss_output_name"] = "x" });
        var second = LoraHashes.Compute(stamped);

        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.Equal(first.AutoV3, second.AutoV3);
        Assert.True(second.MatchesStoredHash(first.AutoV3));
        Assert.False(second.MatchesStoredHash(new string('0', 64)));
        Assert.Null(second.MatchesStoredHash(null));
        using var lora = LoraFile.Open(stamped);
        Assert.Equal(first.AutoV3, lora.Metadata.SshsModelHash);
    }

    [Fact]
    public void PickleHasNoAutoV3()
    {
        string path = _temp.File("model.ckpt");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var hashes = LoraHashes.Compute(path);
        Assert.Null(hashes.AutoV3);
        Assert.Equal(Hex(SHA256.HashData(File.ReadAllBytes(path))), hashes.Sha256);
        Assert.Equal(Hex(SHA256.HashData(ReadOnlySpan<byte>.Empty))[..8], hashes.AutoV1);
    }

    [Fact]
    public void HashingStreamsWithoutHoldingTheFile()
    {
        string path = _temp.File("big.safetensors");
        using (var generator = new TorchSharp.torch.Generator(3))
        using (var big = randn([6 * 1024 * 1024], generator: generator))
            CMLoRA.Engine.Tensors.SafetensorsWriter.Write(path, [KeyValuePair.Create("lora_unet_x.lora_down.weight", big)]);
        Assert.True(new FileInfo(path).Length > 24 * 1024 * 1024);

        LoraHashes.Compute(path); // warms the buffer pool and the hash providers
        long before = GC.GetAllocatedBytesForCurrentThread();
        LoraHashes.Compute(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"hashing {new FileInfo(path).Length} bytes allocated {allocated} bytes");
        Assert.True(allocated < 256 * 1024, $"hashing a 24 MiB file allocated {allocated} bytes");
    }

    [Fact]
    public void LoraSourcesNeverReadWholeFiles()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "CMLoRA.Engine", "Lora"), "*.cs")
            .Where(file => File.ReadAllText(file).Contains("ReadAllBytes", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.Empty(offenders);
    }
}
