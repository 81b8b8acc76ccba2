using System.Buffers.Binary;
using System.Globalization;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Web.Library;

/// <summary>
/// Inspects a LoRA with the engine's hardened safetensors header reader: every offset, dtype size and overlap is
/// checked before anything in the file is believed; then hashes, format, rank/alpha and base model are read.
/// </summary>
public sealed class SafetensorsLoraInspector : ILoraInspector
{
    public async Task<LoraInspection> InspectAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        if (stream.Length == 0)
            throw new LoraRejectedException("the file is empty (0 bytes)");

        SafetensorsHeader header;
        try
        {
            header = SafetensorsHeader.Read(stream);
        }
        catch (SafetensorsFormatException e)
        {
            throw new LoraRejectedException($"not a valid safetensors file: {e.Message}");
        }
        catch (EndOfStreamException)
        {
            throw new LoraRejectedException("not a valid safetensors file: it ends inside its header (truncated?)");
        }

        string format = DetectFormat(header.Entries)
            ?? throw new LoraRejectedException(
                "the file holds no LoRA tensors (expected names such as lora_unet_…lora_down.weight or …lora_A.weight); " +
                "full checkpoints, VAEs and embeddings cannot go into the LoRA library");

        var hashes = await LoraFileHashes.ComputeAsync(stream, header.DataStart, cancellationToken);
        var metadata = header.Metadata;
        return new LoraInspection(
            hashes.Sha256, hashes.AutoV2, hashes.AutoV3, stream.Length, header.Entries.Count, format,
            BaseModelFamily.Detect(header.Entries, metadata),
            metadata.TryGetValue("ss_output_name", out string? output) && !string.IsNullOrWhiteSpace(output) ? output.Trim() : null,
            Rank(header.Entries, metadata),
            await AlphaAsync(stream, header.Entries, metadata, cancellationToken),
            metadata.GetValueOrDefault("ss_network_module"),
            metadata,
            TriggerWordSuggester.FromTagFrequency(metadata),
            TriggerWordSuggester.Declared(metadata));
    }

    private static string? DetectFormat(IReadOnlyList<SafetensorsEntry> entries)
    {
        bool Any(string fragment) => entries.Any(e => e.Name.Contains(fragment, StringComparison.Ordinal));
        if (Any("hada_w1_a") || Any("lokr_w1")) return "lycoris";
        if (Any(".lora_down.weight") && (Any("lora_unet_") || Any("lora_te"))) return "kohya";
        if (Any(".lora_A.") || Any(".lora_B.")) return "peft";
        if (Any(".lora.down.weight") || Any("lora_linear_layer")) return "diffusers";
        if (Any(".lora_down.weight")) return "kohya";
        return null;
    }

    // The rank is the inner dimension of the down (A) projections; take the most common one.
    private static int? Rank(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        var ranks = entries
            .Where(e => (e.Name.EndsWith("lora_down.weight", StringComparison.Ordinal) || e.Name.Contains(".lora_A.", StringComparison.Ordinal)
                         || e.Name.EndsWith("lora.down.weight", StringComparison.Ordinal)) && e.Shape.Length >= 2)
            .GroupBy(e => e.Shape[0]).OrderByDescending(g => g.Count()).Select(g => (int?)g.Key).FirstOrDefault();
        if (ranks != null) return ranks;
        return int.TryParse(metadata.GetValueOrDefault("ss_network_dim"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int dim) ? dim : null;
    }

    // kohya stores alpha per module as a scalar tensor; read the first one (a few bytes) rather than trusting metadata.
    private static async Task<double?> AlphaAsync(FileStream stream, IReadOnlyList<SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var alpha = entries.FirstOrDefault(e => e.Name.EndsWith(".alpha", StringComparison.Ordinal) && e.ElementCount == 1);
        if (alpha != null && alpha.ByteLength is 2 or 4 or 8)
        {
            byte[] bytes = new byte[alpha.ByteLength];
            stream.Position = alpha.FileOffset;
            await stream.ReadExactlyAsync(bytes, cancellationToken);
            double? value = alpha.DType switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes),
                "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
                "F64" => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
                _ => null,
            };
            if (value is { } v && double.IsFinite(v)) return Math.Round(v, 6);
        }
        return double.TryParse(metadata.GetValueOrDefault("ss_network_alpha"), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;
    }
}
