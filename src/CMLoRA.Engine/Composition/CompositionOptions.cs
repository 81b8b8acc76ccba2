namespace CMLoRA.Engine.Composition;

/// <summary>Base of the per-method option records; <see cref="CompositionScheduleFactory"/> turns one into a schedule.</summary>
public abstract record CompositionOptions
{
    /// <summary>The method these options configure.</summary>
    public abstract CompositionMethod Method { get; }
}
