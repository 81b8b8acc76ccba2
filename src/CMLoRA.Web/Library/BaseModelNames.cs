using CMLoRA.Engine.Lora;

namespace CMLoRA.Web.Library;

/// <summary>The base-model family names the library stores and filters by (the engine's <see cref="BaseModelFamily"/> as text).</summary>
public static class BaseModelNames
{
    public const string Sd1 = "SD 1.x";
    public const string Sd2 = "SD 2.x";
    public const string Sdxl = "SDXL";
    public const string Other = "Other";
    public const string Unknown = "Unknown";

    public static readonly string[] All = [Sd1, Sd2, Sdxl, Other, Unknown];

    public static string From(BaseModelFamily family) => family switch
    {
        BaseModelFamily.SD1 => Sd1,
        BaseModelFamily.SD2 => Sd2,
        BaseModelFamily.SDXL => Sdxl,
        BaseModelFamily.Other => Other,
        _ => Unknown,
    };

    /// <summary>Maps a human label from a sidecar ("SD 1.5", "SDXL 1.0", "Pony", "SD2", …) to a family name, or null.</summary>
    public static string? FromHint(string? hint)
    {
        string h = (hint ?? "").Trim().ToLowerInvariant().Replace(" ", "");
        if (h.Length == 0) return null;
        if (h.StartsWith("sdxl") || h.StartsWith("pony") || h.StartsWith("illustrious")) return Sdxl;
        if (h.StartsWith("sd1")) return Sd1;
        if (h.StartsWith("sd2")) return Sd2;
        if (h.StartsWith("flux") || h.StartsWith("sd3")) return Other;
        return null;
    }
}
