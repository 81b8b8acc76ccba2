namespace CMLoRA.Engine.Loading;

/// <summary>A checkpoint cannot be loaded: wrong layout, a pickle, a missing file or component, or weights that do not fit the model.</summary>
public sealed class CheckpointLoadException : Exception
{
    public CheckpointLoadException(string message) : base(message) { }

    public CheckpointLoadException(string message, Exception inner) : base(message, inner) { }
}
