namespace CMLoRA.Storage.Library;

/// <summary>One attributed, timestamped change of one field of a library LoRA.</summary>
public sealed class LoraEdit
{
    public long Id { get; set; }
    public Guid LoraId { get; set; }
    public string UserId { get; set; } = "";
    public StudioUser? User { get; set; }
    public DateTimeOffset At { get; set; } = DateTimeOffset.UtcNow;
    public string Field { get; set; } = "";
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
}
