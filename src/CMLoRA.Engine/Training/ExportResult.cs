namespace CMLoRA.Engine.Training;

/// <summary>What <see cref="BuiltInModelExporter.Export"/> wrote.</summary>
/// <param name="Folder">The diffusers folder.</param>
/// <param name="SingleFile">The single-file (LDM) variant, or null when not written.</param>
/// <param name="UnetParameters">Parameter count of the UNet.</param>
/// <param name="VaeParameters">Parameter count of the VAE.</param>
/// <param name="TextEncoderParameters">Parameter count of the text encoder.</param>
/// <param name="Bytes">Size of everything written.</param>
public sealed record ExportResult(string Folder, string? SingleFile, long UnetParameters, long VaeParameters, long TextEncoderParameters, long Bytes);
