using System.Text.Json;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tensors;

/// <summary>Writes tensors and string metadata as a safetensors file (header padded to 8 bytes, tensors in the given order).</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        var blobs = new List<Tensor>(items.Count);
        foreach (var (name, tensor) in items)
        {
            var cpu = tensor.detach().cpu().contiguous();
            long length = cpu.NumberOfElements * cpu.ElementSize;
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = SafetensorsDType.FromScalarType(cpu.dtype),
                ["shape"] = cpu.shape,
                ["data_offsets"] = new[] { offset, offset + length },
            };
            offset += length;
            blobs.Add(cpu);
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padding = (8 - json.Length % 8) % 8;
        byte[] padded = new byte[json.Length + padding];
        json.CopyTo(padded, 0);
        for (int i = json.Length; i < padded.Length; i++) padded[i] = (byte)' ';

        string temporary = path + ".partial";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(BitConverter.GetBytes((ulong)padded.Length));
            stream.Write(padded);
            foreach (var blob in blobs)
            {
                WriteTensorBytes(stream, blob);
                blob.Dispose();
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteTensorBytes(Stream stream, Tensor tensor)
    {
        if (tensor.NumberOfElements == 0) return;
        stream.Write(tensor.bytes);
    }

}
