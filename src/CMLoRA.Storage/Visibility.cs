namespace CMLoRA.Storage;

/// <summary>Who may see a LoRA, collection or (later) generation besides its owner and the admins.</summary>
public enum Visibility
{
    /// <summary>Only the owner (and admins).</summary>
    Private = 0,

    /// <summary>Every member of the studio.</summary>
    Team = 1,
}
