using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Loading;

/// <summary>Tells a diffusers folder from a single-file checkpoint and refuses PyTorch pickles before anything is parsed.</summary>
public static class CheckpointFormat
{
    /// <summary>Decides the layout of <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointLoadException">the path does not exist, is a folder without <c>model_index.json</c>,
    /// or is a pickle (by extension or by content).</exception>
    public static CheckpointLayout Detect(string path)
    {
        if (Directory.Exists(path))
        {
            if (!File.Exists(Path.Combine(path, DiffusersFolder.ModelIndexFileName)))
                throw new CheckpointLoadException(DiffusersFolder.MissingModelIndexMessage(path));
            return CheckpointLayout.DiffusersFolder;
        }
        if (!File.Exists(path))
            throw new CheckpointLoadException($"checkpoint not found: '{path}' is neither a file nor a folder");
        EnsureNotPickle(path);
        return CheckpointLayout.SingleFile;
    }

    /// <summary>Throws when <paramref name="filePath"/> has a pickle extension or starts like a pickle.</summary>
    /// <exception cref="CheckpointLoadException">with <see cref="PickleDetector.Explanation"/> and the path.</exception>
    public static void EnsureNotPickle(string filePath)
    {
        if (PickleDetector.HasPickleExtension(filePath) || StartsLikePickle(filePath))
            throw new CheckpointLoadException($"'{filePath}': {PickleDetector.Explanation}");
    }

    // A safetensors file starts with its header length (8 bytes, little-endian) and then '{'. A header length such as
    // 0x0580 starts with the bytes of a pickle PROTO opcode, so the '{' at offset 8 decides for safetensors.
    private static bool StartsLikePickle(string filePath)
    {
        Span<byte> head = stackalloc byte[9];
        int read;
        using (var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        bool safetensorsHeader = read == 9 && head[8] == (byte)'{';
        return !safetensorsHeader && PickleDetector.LooksLikePickle(head);
    }
}
