using System.Globalization;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tensors;

namespace CMLoRA.Web.Library;

/// <summary>
/// Inspects uploads with the engine's LoRA reader (hardened safetensors header validation, kohya/PEFT/LyCORIS module
/// parsing, streaming hashes, metadata, base-model detection). LoRAs for other base models (SD 2.x, SDXL, …) cannot
/// run in this SD 1.x studio but are still valid library entries: they are stored with their header-level facts and
/// flagged by their base model, so the library and the pre-flight check can say why they do not apply.
/// </summary>
public sealed class EngineLoraInspector : ILoraInspector
{
    private static readonly string[] FactorSuffixes = ["lora_down.weight", ".lora_A.weight", ".lora.down.weight", "hada_w1_a", "lokr_w1", "lokr_w1_a"];

    public async Task<Web.Library.LoraInspection> InspectAsync(string path, CancellationToken cancellationToken = default)
    {
        if (new FileInfo(path).Length == 0)
            throw new LoraRejectedException("the file is empty (0 bytes)");
        // The reader is synchronous file IO; keep it off the request's thread.
        return await Task.Run(() => Inspect(path, cancellationToken), cancellationToken);
    }

    private static Web.Library.LoraInspection Inspect(string path, CancellationToken cancellationToken)
    {
        try
        {
            var lora = LoraInspector.Inspect(path, cancellationToken);
            return new Web.Library.LoraInspection(
                lora.Hashes.Sha256, lora.Hashes.AutoV2, lora.Hashes.AutoV3!, lora.SizeBytes, lora.ModuleCount, Format(lora.Naming, lora.NetworkType),
                BaseModelNames.From(lora.BaseModel.Family), NonEmpty(lora.Metadata.OutputName), lora.Rank > 0 ? lora.Rank : null, lora.Alpha,
                lora.Metadata.NetworkModule, lora.Metadata.Raw, lora.Metadata.SuggestedTriggerWords, lora.Metadata.DeclaredTriggerWords);
        }
        catch (SafetensorsFormatException e)
        {
            throw new LoraRejectedException($"not a valid safetensors file: {Anonymise(e.Message, path)}");
        }
        catch (LoraFormatException e) when (e.Kind == LoraErrorKind.IncompatibleBaseModel)
        {
            return InspectOtherBaseModel(path, cancellationToken);
        }
        catch (LoraFormatException e)
        {
            throw new LoraRejectedException(Anonymise(e.Message, path));
        }
        catch (EndOfStreamException)
        {
            throw new LoraRejectedException("not a valid safetensors file: it ends inside its header (truncated?)");
        }
    }

    private static Web.Library.LoraInspection InspectOtherBaseModel(string path, CancellationToken cancellationToken)
    {
        using var file = SafetensorsFile.Open(path);
        var detection = BaseModelDetector.Detect(file.Entries, file.Metadata);
        var metadata = LoraMetadataReader.Read(file.Metadata);
        var hashes = LoraHashes.Compute(path, cancellationToken);
        var factors = file.Entries.Where(e => FactorSuffixes.Any(s => e.Name.EndsWith(s, StringComparison.Ordinal))).ToList();
        int? rank = factors.Where(e => e.Shape.Length >= 2).GroupBy(e => e.Shape[0]).OrderByDescending(g => g.Count()).Select(g => (int?)g.Key).FirstOrDefault()
                    ?? (int.TryParse(metadata.NetworkDim, NumberStyles.Integer, CultureInfo.InvariantCulture, out int dim) ? dim : null);
        double? alpha = double.TryParse(metadata.NetworkAlpha, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) ? a : null;
        return new Web.Library.LoraInspection(
            hashes.Sha256, hashes.AutoV2, hashes.AutoV3!, file.FileLength, factors.Count, "kohya/peft", BaseModelNames.From(detection.Family),
            NonEmpty(metadata.OutputName), rank, alpha, metadata.NetworkModule, file.Metadata, metadata.SuggestedTriggerWords, metadata.DeclaredTriggerWords);
    }

    private static string Format(LoraNaming naming, LoraNetworkType type) =>
        naming.ToString().ToLowerInvariant() + (type == LoraNetworkType.LoRA ? "" : " " + type);

    // Engine messages name the file they read, which here is our temporary file; the user knows it by another name.
    private static string Anonymise(string message, string path) => message.Replace(Path.GetFileName(path), "the file", StringComparison.Ordinal);

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
