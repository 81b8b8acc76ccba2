namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>Where a benchmark run is: images done of the total (skipped ones count as done) and the image in flight.</summary>
/// <param name="Done">Images finished, including those found in results.jsonl.</param>
/// <param name="Total">Images the run covers.</param>
/// <param name="Skipped">Images found finished in results.jsonl.</param>
/// <param name="Current">The image in flight ("cmlora · boovik+nimbrae · seed 1"), or a phase such as "loading model".</param>
/// <param name="Step">Denoising step of the image in flight.</param>
/// <param name="Steps">Steps per image.</param>
public sealed record QualityProgress(int Done, int Total, int Skipped, string Current, int Step, int Steps);
