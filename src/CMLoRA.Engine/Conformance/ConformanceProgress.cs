namespace CMLoRA.Engine.Conformance;

/// <summary>Reported before each unit of work (loading a layout, its components, a sampling run, writing).</summary>
/// <param name="Stage">What starts now, e.g. "loading diffusers weights" or "sampling ddim_leading".</param>
/// <param name="Done">Units finished so far.</param>
/// <param name="Total">Units planned.</param>
public sealed record ConformanceProgress(string Stage, int Done, int Total);
