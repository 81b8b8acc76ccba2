using System.Text.Json;

namespace CMLoRA.Engine.Tensors;

/// <summary>
/// Parses and validates a safetensors header as untrusted input: strict JSON, known dtypes, byte lengths that
/// match dtype × shape, offsets inside the data section, no overlaps, no holes, no duplicate names.
/// </summary>
public sealed class SafetensorsHeader
{
    public const int LengthPrefixBytes = 8;

    public long HeaderLength { get; }
    public long DataStart => LengthPrefixBytes + HeaderLength;
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    private SafetensorsHeader(long headerLength, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafetensorsEntry> entries)
    {
        HeaderLength = headerLength;
        Metadata = metadata;
        Entries = entries;
    }

    /// <summary>Reads and validates the header of <paramref name="stream"/> (which must be seekable and at least as long as it claims).</summary>
    public static SafetensorsHeader Read(Stream stream, SafetensorsLimits? limits = null)
    {
        limits ??= SafetensorsLimits.Default;
        long fileLength = stream.Length;
        if (fileLength < LengthPrefixBytes)
            throw new SafetensorsFormatException($"file is {fileLength} bytes: too short for a safetensors header (needs at least 8)");

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes + 1];
        stream.Position = 0;
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        // A real header starts with '{' right after the length; some lengths (640, 896, …) begin with pickle-like bytes.
        bool jsonFollows = got > LengthPrefixBytes && prefix[LengthPrefixBytes] == (byte)'{';
        if (!jsonFollows && PickleDetector.LooksLikePickle(prefix[..got]))
            throw new SafetensorsFormatException(PickleDetector.Explanation);
        stream.Position = LengthPrefixBytes;
        ulong declared = BitConverter.ToUInt64(prefix[..LengthPrefixBytes]);
        if (declared == 0)
            throw new SafetensorsFormatException("header length is 0");
        if (declared > (ulong)limits.MaxHeaderBytes)
            throw new SafetensorsFormatException($"header length {declared} exceeds the limit of {limits.MaxHeaderBytes} bytes");
        if ((long)declared > fileLength - LengthPrefixBytes)
            throw new SafetensorsFormatException($"header length {declared} is larger than the file ({fileLength} bytes)");

        byte[] json = new byte[(int)declared];
        stream.ReadExactly(json);
        return Parse(json, fileLength, limits);
    }

    /// <summary>Validates a header's JSON bytes for a file of <paramref name="fileLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(byte[] json, long fileLength, SafetensorsLimits? limits = null)
    {
        limits ??= SafetensorsLimits.Default;
        long dataStart = LengthPrefixBytes + json.Length;
        long dataLength = fileLength - dataStart;
        if (json.Length == 0 || json[0] != (byte)'{')
            throw new SafetensorsFormatException("header is not a JSON object (it must start with '{'); is this really a .safetensors file?");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException($"header is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException("header is not a JSON object");

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException($"tensor '{property.Name}' appears twice in the header");
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata);
                    continue;
                }
                if (entries.Count >= limits.MaxTensors)
                    throw new SafetensorsFormatException($"more than {limits.MaxTensors} tensors");
                entries.Add(ReadEntry(property.Name, property.Value, dataStart, dataLength, limits));
            }
            CheckLayout(entries, dataStart, dataLength);
            return new SafetensorsHeader(json.Length, metadata, entries);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException("__metadata__ must be an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException($"__metadata__ value '{item.Name}' is not a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException($"__metadata__ key '{item.Name}' appears twice");
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, long dataStart, long dataLength, SafetensorsLimits limits)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException($"tensor '{name}': entry is not an object");
        string? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype == null && field.Value.ValueKind == JsonValueKind.String:
                    dtype = field.Value.GetString()!;
                    break;
                case "shape" when shape == null:
                    shape = ReadIntegers(name, "shape", field.Value);
                    break;
                case "data_offsets" when offsets == null:
                    offsets = ReadIntegers(name, "data_offsets", field.Value);
                    break;
                default:
                    throw new SafetensorsFormatException($"tensor '{name}': unexpected or repeated field '{field.Name}'");
            }
        }
        if (dtype == null || shape == null || offsets == null)
            throw new SafetensorsFormatException($"tensor '{name}': needs dtype, shape and data_offsets");
        if (!SafetensorsDType.IsKnown(dtype))
            throw new SafetensorsFormatException($"tensor '{name}': unknown dtype '{dtype}'");
        if (shape.Length > limits.MaxRank)
            throw new SafetensorsFormatException($"tensor '{name}': rank {shape.Length} exceeds {limits.MaxRank}");
        if (offsets.Length != 2)
            throw new SafetensorsFormatException($"tensor '{name}': data_offsets must be [begin, end]");
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw new SafetensorsFormatException($"tensor '{name}': data_offsets end {end} is before begin {begin}");
        if (end > dataLength)
            throw new SafetensorsFormatException($"tensor '{name}': data_offsets [{begin},{end}] run past the end of the data section ({dataLength} bytes); the file may be truncated");

        long expected = SafetensorsDType.SizeOf(dtype);
        foreach (long dim in shape)
        {
            if (dim < 0) throw new SafetensorsFormatException($"tensor '{name}': negative dimension {dim}");
            try { expected = checked(expected * dim); }
            catch (OverflowException) { throw new SafetensorsFormatException($"tensor '{name}': shape is too large"); }
        }
        if (expected != end - begin)
            throw new SafetensorsFormatException(
                $"tensor '{name}': {dtype} shape [{string.Join(",", shape)}] needs {expected} bytes but data_offsets cover {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, dataStart + begin, end - begin);
    }

    private static long[] ReadIntegers(string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException($"tensor '{name}': {field} must be an array of integers");
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0)
                throw new SafetensorsFormatException($"tensor '{name}': {field} must hold non-negative integers");
            result[i++] = number;
        }
        return result;
    }

    // The data section must be covered exactly: no two tensors share bytes and nothing is unaccounted for.
    private static void CheckLayout(List<SafetensorsEntry> entries, long dataStart, long dataLength)
    {
        var ordered = entries.OrderBy(e => e.FileOffset).ThenBy(e => e.ByteLength).ToList();
        long cursor = dataStart;
        SafetensorsEntry? previous = null;
        foreach (var entry in ordered)
        {
            if (entry.FileOffset < cursor)
                throw new SafetensorsFormatException(
                    $"tensor '{entry.Name}' overlaps tensor '{previous!.Name}' (bytes {entry.FileOffset - dataStart}..{entry.FileOffset - dataStart + entry.ByteLength} of the data section)");
            if (entry.FileOffset > cursor)
                throw new SafetensorsFormatException(
                    $"data section has {entry.FileOffset - cursor} unaccounted bytes before tensor '{entry.Name}'");
            cursor = entry.FileOffset + entry.ByteLength;
            previous = entry;
        }
        if (cursor != dataStart + dataLength)
            throw new SafetensorsFormatException(
                $"data section has {dataStart + dataLength - cursor} bytes after the last tensor that no tensor accounts for");
    }
}
