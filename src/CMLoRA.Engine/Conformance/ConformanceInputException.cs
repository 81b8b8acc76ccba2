namespace CMLoRA.Engine.Conformance;

/// <summary>The reference directory cannot be used: missing files or folders, or an output directory that would overwrite it.</summary>
public sealed class ConformanceInputException(string message, Exception? inner = null) : Exception(message, inner);
