namespace CMLoRA.Engine.Training;

/// <summary>The outcome of one trainer session.</summary>
/// <param name="StartStep">Completed steps when the session started (non-zero after a resume).</param>
/// <param name="FinalStep">Completed steps when it ended (the last checkpoint).</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="FinalLoss">Mean loss of the last <see cref="TrainingLoop.FinalLossWindow"/> logged steps; NaN when none.</param>
/// <param name="Cancelled">True when the session stopped early on cancellation (a checkpoint was saved).</param>
/// <param name="SessionSeconds">Wall time of this session.</param>
/// <param name="TotalSeconds">Wall time of every session of the run together.</param>
public sealed record TrainingResult(long StartStep, long FinalStep, long TotalSteps, double FinalLoss, bool Cancelled,
    double SessionSeconds, double TotalSeconds)
{
    /// <summary>Steps of this session computed again because of a non-finite loss or gradient.</summary>
    public int RecomputedSteps { get; init; }

    /// <summary>True when the run has done all its steps.</summary>
    public bool Completed => FinalStep >= TotalSteps;
}
