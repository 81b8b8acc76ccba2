namespace CMLoRA.Engine.Conformance;

/// <summary>One reference tensor compared with ours.</summary>
/// <param name="File">The reference file, e.g. <c>outputs.safetensors</c> or <c>sampling_ddim_leading.safetensors</c>.</param>
/// <param name="Tensor">The tensor name in that file (and in the file we write).</param>
/// <param name="Layout">The checkpoint layout that computed it: <c>diffusers</c> or <c>ldm</c> (single file).</param>
/// <param name="Status">Pass, fail or not computed.</param>
/// <param name="MaxAbsError">max |ours − reference|; null when not computed or of another shape.</param>
/// <param name="RelativeError">‖ours − reference‖ / ‖reference‖; null when not computed or of another shape.</param>
/// <param name="Tolerance">The bound that decides <paramref name="Status"/>.</param>
/// <param name="Fp64Gap">
/// The reference's own fp32 error, ‖ref₃₂ − ref₆₄‖ / ‖ref₆₄‖, when the directory has a float64 twin of the file
/// (<c>outputs_f64.safetensors</c>): the error budget of an fp32 implementation.
/// </param>
/// <param name="Note">Why the tensor was not computed, or what else went wrong (shape mismatch).</param>
public sealed record ConformanceRow(
    string File,
    string Tensor,
    string Layout,
    ConformanceStatus Status,
    double? MaxAbsError,
    double? RelativeError,
    ConformanceTolerance Tolerance,
    double? Fp64Gap = null,
    string? Note = null);
