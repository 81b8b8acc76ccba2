namespace CMLoRA.Engine.Loading;

/// <summary>How an SD 1.x checkpoint is stored on disk.</summary>
public enum CheckpointLayout
{
    /// <summary>A folder with <c>model_index.json</c> and one sub-folder per component.</summary>
    DiffusersFolder,

    /// <summary>One <c>.safetensors</c> file in the original (LDM) layout.</summary>
    SingleFile,
}
