namespace CMLoRA.Engine.Conformance;

/// <summary>The outcome of one reference tensor.</summary>
public enum ConformanceStatus
{
    /// <summary>Computed and within its tolerance.</summary>
    Pass,

    /// <summary>Computed and outside its tolerance (or of another shape).</summary>
    Fail,

    /// <summary>Not computed: an unknown tensor name, a missing input, an unsupported option. Not a failure.</summary>
    NotComputed,
}
