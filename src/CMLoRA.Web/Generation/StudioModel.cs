using CMLoRA.Web.Library;

namespace CMLoRA.Web.Generation;

/// <summary>
/// A base model the studio offers: the default (Studio:DefaultModelPath), the built-in model, and each entry of the
/// models folder. Requests name it by <see cref="Name"/>; <see cref="Path"/> never leaves the server.
/// </summary>
/// <param name="Name">Folder name, or file name without .safetensors; unique among the listed models.</param>
/// <param name="Path">Full path of the diffusers folder or the .safetensors file.</param>
/// <param name="Format">"diffusers" or "single-file" (see <see cref="Engine.Recipes.ModelHashing"/>); "pickle" for refused pickles.</param>
/// <param name="BaseModel">The family (<see cref="BaseModelNames"/>); the engine runs SD 1.x only.</param>
/// <param name="IsDefault">Used when a request names no model.</param>
/// <param name="IsBuiltIn">The studio's own model in models/builtin.</param>
/// <param name="Refusal">Why it cannot be used, or null when it can.</param>
public sealed record StudioModel(string Name, string Path, string Format, string BaseModel, bool IsDefault, bool IsBuiltIn, string? Refusal)
{
    public bool Available => Refusal is null;

    public ModelDto ToDto() => new(Name, Format, BaseModel, IsDefault, IsBuiltIn, Available, Refusal);
}

/// <summary>A model as GET /api/models lists it (no paths).</summary>
/// <param name="Name">What a request's "model" names.</param>
/// <param name="Format">diffusers, single-file or pickle.</param>
/// <param name="BaseModel">SD 1.x for every usable model; the detected family of refused ones.</param>
/// <param name="IsDefault">Used when a request names no model.</param>
/// <param name="IsBuiltIn">The studio's own model.</param>
/// <param name="Available">False when the studio refuses to load it; <paramref name="Reason"/> says why.</param>
/// <param name="Reason">Why it is refused, or null.</param>
public sealed record ModelDto(string Name, string Format, string BaseModel, bool IsDefault, bool IsBuiltIn, bool Available, string? Reason);
