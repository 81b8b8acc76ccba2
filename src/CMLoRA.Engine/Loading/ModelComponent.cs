namespace CMLoRA.Engine.Loading;

/// <summary>The trained components of an SD 1.x checkpoint, named like the diffusers folders.</summary>
public enum ModelComponent
{
    /// <summary><c>unet/</c>, LDM prefix <c>model.diffusion_model.</c>.</summary>
    Unet,

    /// <summary><c>vae/</c>, LDM prefix <c>first_stage_model.</c>.</summary>
    Vae,

    /// <summary><c>text_encoder/</c>, LDM prefix <c>cond_stage_model.transformer.</c>.</summary>
    TextEncoder,
}
