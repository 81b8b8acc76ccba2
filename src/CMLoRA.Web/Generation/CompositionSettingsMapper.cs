using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Turns a request's <see cref="CompositionSettings"/> into the engine's options record (defaults filled in) and back.
/// The settings must have passed <see cref="CompositionSettingsValidator"/>.
/// </summary>
public static class CompositionSettingsMapper
{
    /// <summary>The request name of a method: none, merge, switch, composite or cmlora.</summary>
    public static string RequestName(CompositionMethod method) => method.ToString().ToLowerInvariant();

    /// <summary>
    /// The engine options of <paramref name="method"/>: the matching property of <paramref name="settings"/> with
    /// every value it leaves out taken from the engine's defaults; other methods' properties are ignored.
    /// </summary>
    public static CompositionOptions ToEngine(CompositionMethod method, CompositionSettings? settings) => method switch
    {
        CompositionMethod.None => settings?.None is { } n ? new NoLoraOptions { Caching = Refresh(n.Caching), MaxAge = n.MaxAge } : new NoLoraOptions(),
        CompositionMethod.Merge => settings?.Merge is { } m
            ? new MergeOptions { NormalizeWeights = m.NormalizeWeights ?? false, Caching = Refresh(m.Caching), MaxAge = m.MaxAge }
            : new MergeOptions(),
        CompositionMethod.Switch => settings?.Switch is { } s
            ? new SwitchOptions { SwitchStep = s.SwitchStep ?? SwitchOptions.DefaultSwitchStep, Caching = Refresh(s.Caching), MaxAge = s.MaxAge }
            : new SwitchOptions(),
        CompositionMethod.Composite => settings?.Composite is { } c
            ? new CompositeOptions { BatchAdapters = c.BatchAdapters ?? true, Caching = Refresh(c.Caching), MaxAge = c.MaxAge }
            : new CompositeOptions(),
        CompositionMethod.CmLora => CmLora(settings?.CmLora),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown composition method."),
    };

    /// <summary>The settings that reproduce <paramref name="options"/> exactly, every value spelled out.</summary>
    public static CompositionSettings FromEngine(CompositionOptions options) => options switch
    {
        NoLoraOptions n => new CompositionSettings { None = new NoLoraSettings { Caching = Refresh(n.Caching), MaxAge = n.MaxAge } },
        MergeOptions m => new CompositionSettings
        {
            Merge = new MergeSettings { NormalizeWeights = m.NormalizeWeights, Caching = Refresh(m.Caching), MaxAge = m.MaxAge },
        },
        SwitchOptions s => new CompositionSettings
        {
            Switch = new SwitchSettings { SwitchStep = s.SwitchStep, Caching = Refresh(s.Caching), MaxAge = s.MaxAge },
        },
        CompositeOptions c => new CompositionSettings
        {
            Composite = new CompositeSettings { BatchAdapters = c.BatchAdapters, Caching = Refresh(c.Caching), MaxAge = c.MaxAge },
        },
        CmLoraOptions cm => new CompositionSettings
        {
            CmLora = new CmLoraSettings
            {
                DominantRefresh = Refresh(cm.DominantRefresh), NonDominantRefresh = Refresh(cm.NonDominantRefresh), MaxAge = cm.MaxAge,
                LatePhaseStart = cm.LatePhaseStart, DecayDominantWeight = cm.DecayDominantWeight, UseCache = cm.UseCache,
                BatchAdapters = cm.BatchAdapters, LowFrequencyThreshold = cm.Ordering.LowFrequencyThreshold,
            },
        },
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.GetType().Name, "Unknown composition options."),
    };

    /// <summary>The engine's defaults of <paramref name="method"/> as settings.</summary>
    public static CompositionSettings Defaults(CompositionMethod method) => FromEngine(ToEngine(method, null));

    private static CmLoraOptions CmLora(CmLoraSettings? s)
    {
        var defaults = new CmLoraOptions();
        if (s is null) return defaults;
        return new CmLoraOptions
        {
            DominantRefresh = Refresh(s.DominantRefresh) ?? defaults.DominantRefresh,
            NonDominantRefresh = Refresh(s.NonDominantRefresh) ?? defaults.NonDominantRefresh,
            MaxAge = s.MaxAge ?? defaults.MaxAge,
            LatePhaseStart = s.LatePhaseStart ?? defaults.LatePhaseStart,
            DecayDominantWeight = s.DecayDominantWeight ?? defaults.DecayDominantWeight,
            UseCache = s.UseCache ?? defaults.UseCache,
            BatchAdapters = s.BatchAdapters ?? defaults.BatchAdapters,
            Ordering = new LoraOrderingOptions { LowFrequencyThreshold = s.LowFrequencyThreshold },
        };
    }

    /// <summary>The refresh set of validated settings; null stays null.</summary>
    public static RefreshSpec? Refresh(RefreshSettings? settings)
    {
        if (settings is null) return null;
        return RefreshKind(settings.Kind) switch
        {
            RefreshScheduleKind.Piecewise => RefreshSpec.Piecewise(),
            RefreshScheduleKind.Quadratic => RefreshSpec.Quadratic(settings.Interval!.Value, settings.CenterFraction!.Value,
                settings.Power ?? QuadraticDefaultPower),
            _ => RefreshSpec.Uniform(settings.Interval!.Value),
        };
    }

    /// <summary>Settings of a refresh set, every value spelled out; null stays null.</summary>
    public static RefreshSettings? Refresh(RefreshSpec? spec) => spec?.Kind switch
    {
        null => null,
        RefreshScheduleKind.Piecewise => new RefreshSettings { Kind = "piecewise" },
        RefreshScheduleKind.Quadratic => new RefreshSettings
        {
            Kind = "quadratic", Interval = spec.Interval, CenterFraction = spec.CenterFraction, Power = spec.Power,
        },
        _ => new RefreshSettings { Kind = "uniform", Interval = spec.Interval },
    };

    /// <summary>The exponent a quadratic set starts from when none is given (DeepCache's 1.4).</summary>
    public const double QuadraticDefaultPower = 1.4;

    /// <summary>The kind of a refresh set by name (absent: uniform), or null when unknown.</summary>
    public static RefreshScheduleKind? RefreshKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        null or "" or "uniform" => RefreshScheduleKind.Uniform,
        "quadratic" => RefreshScheduleKind.Quadratic,
        "piecewise" => RefreshScheduleKind.Piecewise,
        _ => null,
    };
}
