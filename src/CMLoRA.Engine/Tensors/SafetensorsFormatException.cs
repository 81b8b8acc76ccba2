namespace CMLoRA.Engine.Tensors;

/// <summary>A safetensors file that is malformed or unsafe to read; the message names the tensor and the problem.</summary>
public sealed class SafetensorsFormatException(string message) : IOException(message);
