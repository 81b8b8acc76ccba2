namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>Result of <see cref="RefreshSchedule.QuadraticCentred"/>: the steps and the power that produced them.</summary>
/// <param name="Steps">Refresh steps in increasing order, starting at 0.</param>
/// <param name="Power">The exponent actually used (the search lowers it in 0.02 decrements until the count fits).</param>
public sealed record QuadraticRefreshSet(IReadOnlyList<int> Steps, double Power);
