using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CMLoRA.TestSupport;

/// <summary>
/// Writes small but real kohya-format SD 1.x LoRA files (safetensors: 8-byte little-endian header length, JSON
/// header, tensor bytes) and deliberately broken ones, without any ML library.
/// </summary>
public static class TestLora
{
    public const int TextWidth = 768; // SD 1.x CLIP width: the cross-attention key input

    public sealed record Tensor(string Name, string DType, long[] Shape, byte[] Data);

    /// <summary>A kohya LoRA with one cross-attention and one text-encoder module, rank <paramref name="rank"/>, fp16.</summary>
    public static byte[] Build(string outputName = "tiny_ada", int rank = 4, int seed = 1, float alpha = 2f,
        IDictionary<string, string>? extraMetadata = null)
    {
        var random = new Random(seed);
        var tensors = new List<Tensor>();
        void Module(string prefix, long outFeatures, long inFeatures)
        {
            tensors.Add(new Tensor(prefix + ".lora_down.weight", "F16", [rank, inFeatures], HalfValues(random, rank * inFeatures)));
            tensors.Add(new Tensor(prefix + ".lora_up.weight", "F16", [outFeatures, rank], HalfValues(random, outFeatures * rank)));
            var a = new byte[2];
            BinaryPrimitives.WriteHalfLittleEndian(a, (Half)alpha);
            tensors.Add(new Tensor(prefix + ".alpha", "F16", [], a));
        }
        Module("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k", 320, TextWidth);
        Module("lora_te_text_model_encoder_layers_0_self_attn_q_proj", TextWidth, TextWidth);

        var metadata = new Dictionary<string, string>
        {
            ["ss_output_name"] = outputName,
            ["ss_network_module"] = "networks.lora",
            ["ss_network_dim"] = rank.ToString(),
            ["ss_network_alpha"] = alpha.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ss_base_model_version"] = "sd_v1",
            ["ss_tag_frequency"] = JsonSerializer.Serialize(new Dictionary<string, Dictionary<string, int>>
            {
                ["10_ada"] = new() { ["ada"] = 20, ["red hair"] = 12, ["smile"] = 5 },
                ["5_extra"] = new() { ["smile"] = 9, ["outdoors"] = 3 },
            }),
        };
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>()) metadata[key] = value;
        return Serialize(tensors, metadata);
    }

    /// <summary>Lays tensors out back to back and writes a valid file.</summary>
    public static byte[] Serialize(IReadOnlyList<Tensor> tensors, IDictionary<string, string>? metadata = null)
    {
        var header = new Dictionary<string, object>();
        if (metadata != null) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var t in tensors)
        {
            header[t.Name] = new { dtype = t.DType, shape = t.Shape, data_offsets = new[] { offset, offset + t.Data.Length } };
            offset += t.Data.Length;
        }
        return WithHeader(JsonSerializer.Serialize(header), tensors.SelectMany(t => t.Data).ToArray());
    }

    /// <summary>A file with exactly this header JSON and data section (for malformed cases).</summary>
    public static byte[] WithHeader(string headerJson, byte[] data, ulong? declaredLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredLength ?? (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    /// <summary>SHA-256 of the bytes after the header: what A1111 calls the addnet hash and Civitai AutoV3.</summary>
    public static string DataSha256(byte[] file)
    {
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return Convert.ToHexStringLower(SHA256.HashData(file.AsSpan((int)(8 + headerLength))));
    }

    public static string Sha256(byte[] file) => Convert.ToHexStringLower(SHA256.HashData(file));

    private static byte[] HalfValues(Random random, long count)
    {
        var bytes = new byte[count * 2];
        for (long i = 0; i < count; i++)
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan((int)(i * 2)), (Half)((random.NextSingle() - 0.5f) * 0.02f));
        return bytes;
    }
}
