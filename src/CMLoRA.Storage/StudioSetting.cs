namespace CMLoRA.Storage;

/// <summary>A key/value setting that belongs to the installation (e.g. when the demo content was registered).</summary>
public sealed class StudioSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
