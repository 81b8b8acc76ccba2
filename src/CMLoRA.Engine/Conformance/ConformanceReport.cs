namespace CMLoRA.Engine.Conformance;

/// <summary>What <see cref="ConformanceRunner.Run"/> compared and wrote.</summary>
/// <param name="ReferenceDirectory">The reference directory (full path).</param>
/// <param name="OutputDirectory">Where our tensors were written (full path).</param>
/// <param name="Layouts">The checkpoint layouts that were loaded, in order (<c>diffusers</c>, <c>ldm</c>).</param>
/// <param name="Rows">One row per reference tensor and layout, in reference-file order.</param>
/// <param name="WrittenFiles">The files written under <paramref name="OutputDirectory"/> (full paths).</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
public sealed record ConformanceReport(
    string ReferenceDirectory,
    string OutputDirectory,
    IReadOnlyList<string> Layouts,
    IReadOnlyList<ConformanceRow> Rows,
    IReadOnlyList<string> WrittenFiles,
    TimeSpan Elapsed)
{
    /// <summary>The rows outside their tolerance.</summary>
    public IReadOnlyList<ConformanceRow> Failures => Rows.Where(r => r.Status == ConformanceStatus.Fail).ToList();

    /// <summary>How many tensors were computed and compared (passed or failed).</summary>
    public int Compared => Rows.Count(r => r.Status != ConformanceStatus.NotComputed);

    /// <summary>True when at least one tensor was compared and none failed.</summary>
    public bool Passed => Compared > 0 && Rows.All(r => r.Status != ConformanceStatus.Fail);
}
