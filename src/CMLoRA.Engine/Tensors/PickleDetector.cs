namespace CMLoRA.Engine.Tensors;

/// <summary>
/// Recognises PyTorch pickles (.ckpt/.pt/.bin), which can run arbitrary code when loaded. The studio never
/// unpickles; it says so instead of failing with a confusing header error.
/// </summary>
public static class PickleDetector
{
    public const string Explanation =
        "this is a PyTorch pickle (.ckpt/.pt), not a safetensors file. Pickles can run arbitrary code when loaded, " +
        "so CMLoRA Studio never opens them. Convert it to .safetensors with a tool you trust and load that instead.";

    private static readonly string[] PickleExtensions = [".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle"];

    /// <summary>True for the zip container of torch.save (PK\x03\x04) or a raw pickle stream (PROTO opcode 0x80).</summary>
    public static bool LooksLikePickle(ReadOnlySpan<byte> firstBytes) =>
        (firstBytes.Length >= 4 && firstBytes[0] == (byte)'P' && firstBytes[1] == (byte)'K' && firstBytes[2] == 3 && firstBytes[3] == 4)
        || (firstBytes.Length >= 2 && firstBytes[0] == 0x80 && firstBytes[1] is >= 2 and <= 5);

    public static bool HasPickleExtension(string fileName) =>
        PickleExtensions.Contains(Path.GetExtension(fileName).ToLowerInvariant());
}
