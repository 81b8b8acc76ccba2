using System.Globalization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Web.Studio;

/// <summary>A method's options in words, for the history detail page.</summary>
public static class OptionsText
{
    /// <summary>Each option as (label, value), in the order the Generate page shows them; empty for null.</summary>
    public static IReadOnlyList<(string Name, string Value)> Describe(CompositionOptions? options) => options switch
    {
        CmLoraOptions o =>
        [
            ("dominant refresh", Refresh(o.DominantRefresh)), ("other LoRAs refresh", Refresh(o.NonDominantRefresh)),
            ("maximum cache age", $"{o.MaxAge} steps"), ("late phase starts at", N(o.LatePhaseStart)), ("feature caches", OnOff(o.UseCache)),
            ("batched LoRA runs", OnOff(o.BatchAdapters)), ("dominant weight decay", OnOff(o.DecayDominantWeight)),
            ("low-frequency threshold", o.Ordering.LowFrequencyThreshold is { } t ? N(t) : "by category"),
        ],
        SwitchOptions o => [("steps per LoRA", o.SwitchStep.ToString(CultureInfo.InvariantCulture)), .. Cache(o.Caching, o.MaxAge)],
        CompositeOptions o => [("batched LoRA runs", OnOff(o.BatchAdapters)), .. Cache(o.Caching, o.MaxAge)],
        MergeOptions o => [("weights", o.NormalizeWeights ? "divided by the LoRA count" : "each LoRA at its own weight"), .. Cache(o.Caching, o.MaxAge)],
        NoLoraOptions o => o.Caching is null ? [] : Cache(o.Caching, o.MaxAge),
        _ => [],
    };

    /// <summary>A refresh set in words: "every 2 steps", "quadratic, 1/4 centred at 0.5", "piecewise 2/3/2".</summary>
    public static string Refresh(RefreshSpec? spec) => spec?.Kind switch
    {
        null => "off",
        RefreshScheduleKind.Uniform => $"every {spec.Interval} steps",
        RefreshScheduleKind.Piecewise => "piecewise 2/3/2",
        _ => $"quadratic, 1/{spec.Interval} centred at {N(spec.CenterFraction)} (power {N(spec.Power)})",
    };

    private static (string, string)[] Cache(RefreshSpec? caching, int? maxAge) =>
        caching is null ? [("feature cache", "off")] : [("feature cache", Refresh(caching)), ("maximum cache age", maxAge is { } a ? $"{a} steps" : "none")];

    private static string OnOff(bool on) => on ? "on" : "off";

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
