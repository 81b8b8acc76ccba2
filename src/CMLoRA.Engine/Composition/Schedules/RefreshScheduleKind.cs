namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>The shapes of refresh-step sets of spec 4.3.</summary>
public enum RefreshScheduleKind
{
    /// <summary>Every <c>Interval</c> steps: {0, c, 2c, …}.</summary>
    Uniform,

    /// <summary>DeepCache's non-uniform set, dense around a centre step and sparse far from it.</summary>
    Quadratic,

    /// <summary>The reference's "interval 0" set: every 2 steps in the first 37.5 %, every 3 in the next 50 %, every 2 after.</summary>
    Piecewise,
}
