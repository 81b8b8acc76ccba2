namespace CMLoRA.Engine.Conformance;

/// <summary>The two files of one reference sampling run: <c>sampling_&lt;Name&gt;.safetensors</c> and its <c>.json</c>.</summary>
internal sealed record SamplingRunFiles(string Name, string TensorsPath, string JsonPath)
{
    public string FileName => Path.GetFileName(TensorsPath);
}
