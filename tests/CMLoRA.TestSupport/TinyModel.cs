using CMLoRA.Engine.TestSupport;

namespace CMLoRA.TestSupport;

/// <summary>
/// The tiny reference model (tests/fixtures/reference/tiny_sdlike) as a complete diffusers folder the studio can load:
/// its weights plus a tokenizer that fits its 1000-token text encoder. The folder is written by the engine tests'
/// <see cref="TinyModelFolder"/>, whose source this project compiles in (a project reference would bring the engine
/// and libtorch into the browser tests, which only drive a studio process).
/// </summary>
public static class TinyModel
{
    public static string Fixture => RepoPaths.TinyReference;

    /// <summary>The fixture's kohya LoRA for the tiny model (synthetic, rank 4, no base-model metadata).</summary>
    public static string LoraFile => RepoPaths.TinyLora;

    /// <summary>Writes the model folder <paramref name="name"/> under <paramref name="parent"/> and returns its path.</summary>
    public static string Create(string parent, string name = "tiny-model") => TinyModelFolder.Create(parent, name);
}
