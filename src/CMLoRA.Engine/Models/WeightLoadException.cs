namespace CMLoRA.Engine.Models;

/// <summary>A weights file that does not fit a module: missing or unexpected keys in strict mode, or a shape mismatch.</summary>
public sealed class WeightLoadException : Exception
{
    public WeightLoadException(string message, WeightLoadReport? report = null) : base(message) => Report = report;

    /// <summary>The key comparison, when the failure was about keys.</summary>
    public WeightLoadReport? Report { get; }
}
