using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Recipes;

/// <summary>Sampler names as this engine spells them (<see cref="SamplerFactory.Names"/>) and as A1111 writes them in infotext.</summary>
public static class SamplerNames
{
    /// <summary>The engine's short name of <paramref name="kind"/>: dpmpp2m, ddim, euler or euler_a.</summary>
    public static string ShortName(SamplerKind kind) => kind switch
    {
        SamplerKind.DpmPlusPlus2M => "dpmpp2m",
        SamplerKind.Ddim => "ddim",
        SamplerKind.Euler => "euler",
        SamplerKind.EulerAncestral => "euler_a",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A1111's name of <paramref name="kind"/> (the "Sampler" infotext key, A1111 1.9+ spelling without the schedule).</summary>
    public static string A1111Name(SamplerKind kind) => kind switch
    {
        SamplerKind.DpmPlusPlus2M => "DPM++ 2M",
        SamplerKind.Ddim => "DDIM",
        SamplerKind.Euler => "Euler",
        SamplerKind.EulerAncestral => "Euler a",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Reads an A1111 sampler name, including the pre-1.9 spelling with the schedule appended ("DPM++ 2M Karras").
    /// Returns null for samplers this engine does not implement (e.g. "DPM++ SDE").
    /// </summary>
    public static (SamplerKind Kind, bool? Karras)? ParseA1111(string name)
    {
        string s = name.Trim();
        bool? karras = null;
        if (s.EndsWith(" Karras", StringComparison.OrdinalIgnoreCase))
        {
            karras = true;
            s = s[..^" Karras".Length].TrimEnd();
        }
        SamplerKind? kind = s.ToLowerInvariant() switch
        {
            "dpm++ 2m" or "dpmpp_2m" or "dpmpp2m" or "dpm++2m" => SamplerKind.DpmPlusPlus2M,
            "ddim" => SamplerKind.Ddim,
            "euler" => SamplerKind.Euler,
            "euler a" or "euler_a" or "euler_ancestral" or "euler ancestral" => SamplerKind.EulerAncestral,
            _ => null,
        };
        return kind is { } k ? (k, karras) : null;
    }
}
