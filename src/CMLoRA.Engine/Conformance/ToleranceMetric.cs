namespace CMLoRA.Engine.Conformance;

/// <summary>Which error a <see cref="ConformanceTolerance"/> bounds.</summary>
public enum ToleranceMetric
{
    /// <summary>‖ours − reference‖₂ / ‖reference‖₂ over the whole tensor.</summary>
    Relative,

    /// <summary>max |ours − reference| over the elements.</summary>
    MaxAbs,
}
