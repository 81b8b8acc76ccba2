namespace CMLoRA.Engine.Pipelines;

/// <summary>A small RGB preview (8 bits per channel, row-major, 3 bytes per pixel).</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rgb">Width × Height × 3 bytes.</param>
public sealed record PreviewImage(int Width, int Height, byte[] Rgb);
