namespace CMLoRA.Engine.Loading;

/// <summary>How a stored tensor's shape relates to the parameter it loads into.</summary>
public enum WeightReshape
{
    /// <summary>Same shape.</summary>
    None,

    /// <summary>
    /// The file holds a 1×1 convolution kernel [out, in, 1, 1] and the parameter is a Linear weight [out, in]
    /// (the LDM VAE mid-block attention q/k/v/proj_out). Same elements, same order.
    /// </summary>
    Conv1x1ToLinear,
}
