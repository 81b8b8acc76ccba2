using System.Text.Json;
using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// The JSON form of <see cref="LoraProfile"/> (docs/composition.md, "Sidecar format"): camelCase names, groups as
/// "High"/"Low", numbers at full precision so a profile reads back bit-exact.
/// </summary>
public static class LoraProfileJson
{
    /// <summary>The serializer options of the format.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes a profile as indented JSON.</summary>
    public static string Serialize(LoraProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return JsonSerializer.Serialize(profile, Options);
    }

    /// <summary>Reads a profile.</summary>
    /// <exception cref="InvalidDataException">Not a profile, a missing field, another format version, or a non-finite score.</exception>
    public static LoraProfile Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        LoraProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<LoraProfile>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a LoRA profile: {e.Message}", e);
        }
        if (profile is null) throw new InvalidDataException("Not a LoRA profile: the JSON is null.");
        if (profile.FormatVersion != LoraProfile.CurrentFormatVersion)
            throw new InvalidDataException(
                $"Unsupported LoRA profile format version {profile.FormatVersion} (this build reads version {LoraProfile.CurrentFormatVersion}).");
        if (!double.IsFinite(profile.Score)) throw new InvalidDataException($"The profile's score is {profile.Score}; scores must be finite numbers.");
        if (profile.Spectrum is null || profile.BaseSpectrum is null) throw new InvalidDataException("The profile has no spectrum.");
        return profile;
    }
}
