namespace CMLoRA.Engine.Models;

/// <summary>
/// A model config.json that cannot be read or that asks for a feature this engine does not implement.
/// The message always names the offending field, e.g. <c>unet config: addition_embed_type = "text_time" is not supported</c>.
/// </summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string message) : base(message) { }

    public ModelConfigException(string message, Exception inner) : base(message, inner) { }
}
