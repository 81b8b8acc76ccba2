using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tensors;

/// <summary>
/// A validated, open safetensors file. Tensors are read one at a time straight from the file into tensor
/// memory, so loading a model never holds the file and the weights in memory at once.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly FileStream _stream;
    private SafeFileHandle Handle => _stream.SafeFileHandle;
    private readonly Dictionary<string, SafetensorsEntry> _byName;

    public string Path { get; }
    public long FileLength { get; }
    public SafetensorsHeader Header { get; }
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;
    public IReadOnlyList<SafetensorsEntry> Entries => Header.Entries;
    public IEnumerable<string> Names => _byName.Keys;

    private SafetensorsFile(string path, FileStream stream, long length, SafetensorsHeader header)
    {
        Path = path;
        _stream = stream;
        FileLength = length;
        Header = header;
        _byName = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="SafetensorsFormatException"/> for bad files.</summary>
    public static SafetensorsFile Open(string path, SafetensorsLimits? limits = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        try
        {
            var header = SafetensorsHeader.Read(stream, limits);
            return new SafetensorsFile(path, stream, stream.Length, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Validates a file without keeping it open.</summary>
    public static SafetensorsHeader Validate(string path, SafetensorsLimits? limits = null)
    {
        using var file = Open(path, limits);
        return file.Header;
    }

    public bool Contains(string name) => _byName.ContainsKey(name);

    public SafetensorsEntry this[string name] =>
        _byName.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"tensor '{name}' is not in {System.IO.Path.GetFileName(Path)}");

    /// <summary>Reads a tensor into new CPU memory, optionally converting its dtype.</summary>
    public Tensor ReadTensor(string name, ScalarType? convertTo = null)
    {
        var entry = this[name];
        var type = LoadableType(entry);
        var tensor = empty(entry.Shape, type, CPU);
        try
        {
            ReadBytes(entry, tensor);
            if (convertTo is { } target && target != type)
            {
                var converted = tensor.to_type(target);
                tensor.Dispose();
                return converted;
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Copies a tensor into an existing one (a parameter), checking the shape and converting dtype/device.</summary>
    public void ReadInto(string name, Tensor destination, long[]? expectedShape = null)
    {
        var entry = this[name];
        long[] want = expectedShape ?? destination.shape;
        if (!want.SequenceEqual(entry.Shape))
            throw new SafetensorsFormatException(
                $"tensor '{name}' has shape {entry.ShapeText} but the model expects [{string.Join(",", want)}]");
        var type = LoadableType(entry);
        using var guard = no_grad();
        if (destination.device_type == DeviceType.CPU && destination.dtype == type && destination.is_contiguous()
            && destination.shape.SequenceEqual(entry.Shape))
        {
            ReadBytes(entry, destination);
            return;
        }
        using var staged = ReadTensor(name);
        destination.copy_(staged.reshape(destination.shape));
    }

    private static ScalarType LoadableType(SafetensorsEntry entry) =>
        SafetensorsDType.ToScalarType(entry.DType)
        ?? throw new SafetensorsFormatException($"tensor '{entry.Name}': dtype {entry.DType} cannot be loaded");

    // Tensor.bytes is a view of the tensor's CPU memory, so the file is read straight into place.
    private void ReadBytes(SafetensorsEntry entry, Tensor target)
    {
        if (entry.ByteLength == 0) return;
        if (entry.ByteLength > int.MaxValue)
            throw new SafetensorsFormatException($"tensor '{entry.Name}' is larger than 2 GiB, which this reader does not support");
        Span<byte> memory = target.bytes;
        int done = 0;
        while (done < entry.ByteLength)
        {
            int read = RandomAccess.Read(Handle, memory[done..(int)entry.ByteLength], entry.FileOffset + done);
            if (read <= 0)
                throw new SafetensorsFormatException($"tensor '{entry.Name}': file ended while reading its data");
            done += read;
        }
    }

    public void Dispose() => _stream.Dispose();
}
