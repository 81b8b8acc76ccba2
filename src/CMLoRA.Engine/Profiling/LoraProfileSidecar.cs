namespace CMLoRA.Engine.Profiling;

/// <summary>
/// The profile file kept next to a LoRA: <c>NAME.profile.json</c> beside <c>NAME.safetensors</c>, in the
/// <see cref="LoraProfileJson"/> format. A sidecar whose recorded file length differs from the LoRA's is stale.
/// </summary>
public static class LoraProfileSidecar
{
    /// <summary>What replaces the LoRA's extension.</summary>
    public const string Suffix = ".profile.json";

    /// <summary>The sidecar path of a LoRA file: its extension replaced by <see cref="Suffix"/>.</summary>
    public static string PathFor(string loraPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loraPath);
        return Path.ChangeExtension(loraPath, null) + Suffix;
    }

    /// <summary>Writes the LoRA's sidecar (replacing an older one) and returns its path.</summary>
    public static string Write(string loraPath, LoraProfile profile)
    {
        string path = PathFor(loraPath);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, LoraProfileJson.Serialize(profile));
        File.Move(temporary, path, overwrite: true); // readers never see half a file
        return path;
    }

    /// <summary>
    /// Reads the LoRA's sidecar. Returns null when there is none, and also when it cannot be used (unreadable, another
    /// format, or stale), with the reason in <paramref name="problem"/>.
    /// </summary>
    public static LoraProfile? TryRead(string loraPath, out string? problem)
    {
        problem = null;
        string path = PathFor(loraPath);
        if (!File.Exists(path)) return null;
        try
        {
            var profile = LoraProfileJson.Deserialize(File.ReadAllText(path));
            if (File.Exists(loraPath) && new FileInfo(loraPath).Length != profile.LoraFileLength)
            {
                problem = $"{Path.GetFileName(path)} is stale: it profiles a file of {profile.LoraFileLength} bytes, the LoRA has {new FileInfo(loraPath).Length}.";
                return null;
            }
            return profile;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problem = $"{Path.GetFileName(path)} cannot be used: {e.Message}";
            return null;
        }
    }
}
