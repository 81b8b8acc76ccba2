using System.Globalization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Web.Generation;

/// <summary>
/// Checks a request's method options, with a message for every value out of range (docs/api.md lists them). Options
/// for another method than the request's are refused rather than ignored, since the user meant something by them.
/// </summary>
public static class CompositionSettingsValidator
{
    /// <summary>Every problem of <paramref name="settings"/> for <paramref name="method"/> (the request's method), or none.</summary>
    public static IReadOnlyList<string> Validate(CompositionMethod method, CompositionSettings? settings)
    {
        var errors = new List<string>();
        if (settings is null) return errors;
        string name = CompositionSettingsMapper.RequestName(method);
        var others = settings.Given.Where(g => g != name).ToList();
        if (others.Count > 0)
            errors.Add($"Options were given for {string.Join(" and ", others)}, but the method is {name}.");

        switch (method)
        {
            case CompositionMethod.None when settings.None is { } n:
                Cache(Label(method), n.Caching, n.MaxAge, errors);
                break;
            case CompositionMethod.Merge when settings.Merge is { } m:
                Cache(Label(method), m.Caching, m.MaxAge, errors);
                break;
            case CompositionMethod.Switch when settings.Switch is { } s:
                if (s.SwitchStep is < 1) errors.Add($"Switch step must be at least 1 (got {s.SwitchStep}).");
                Cache(Label(method), s.Caching, s.MaxAge, errors);
                break;
            case CompositionMethod.Composite when settings.Composite is { } c:
                Cache(Label(method), c.Caching, c.MaxAge, errors);
                break;
            case CompositionMethod.CmLora when settings.CmLora is { } cm:
                CmLora(cm, errors);
                break;
        }
        return errors;
    }

    /// <summary>How messages and the page name a method.</summary>
    public static string Label(CompositionMethod method) => method switch
    {
        CompositionMethod.None => "Base model",
        CompositionMethod.CmLora => "CMLoRA",
        _ => method.ToString(),
    };

    private static void CmLora(CmLoraSettings s, List<string> errors)
    {
        var defaults = new CmLoraOptions();
        bool dominantOk = Refresh("CMLoRA dominant refresh", s.DominantRefresh, errors);
        bool othersOk = Refresh("CMLoRA other-LoRA refresh", s.NonDominantRefresh, errors);
        if (s.MaxAge is < 1) errors.Add($"CMLoRA maximum cache age must be at least 1 (got {s.MaxAge}).");
        else if (dominantOk && othersOk)
        {
            // A cache younger than the refresh interval would override the schedule the user just chose.
            int maxAge = s.MaxAge ?? defaults.MaxAge;
            int dominant = Interval(s.DominantRefresh, defaults.DominantRefresh), other = Interval(s.NonDominantRefresh, defaults.NonDominantRefresh);
            if (maxAge < Math.Max(dominant, other))
                errors.Add($"CMLoRA maximum cache age ({maxAge}) must be at least the refresh intervals ({dominant} and {other}).");
        }
        if (s.LatePhaseStart is { } late && !(late > 0 && late < 1))
            errors.Add($"CMLoRA late phase start must be a fraction of the run between 0 and 1, both excluded (got {N(late)}).");
        if (s.LowFrequencyThreshold is { } threshold && !double.IsFinite(threshold))
            errors.Add("CMLoRA low-frequency threshold must be a finite number.");
    }

    private static void Cache(string label, RefreshSettings? caching, int? maxAge, List<string> errors)
    {
        bool ok = Refresh($"{label} cache refresh", caching, errors);
        if (maxAge is null) return;
        if (caching is null) errors.Add($"{label} maximum cache age applies only with a cache refresh schedule (caching).");
        else if (maxAge < 1) errors.Add($"{label} maximum cache age must be at least 1 (got {maxAge}).");
        else if (ok && caching.Interval is { } interval && CompositionSettingsMapper.RefreshKind(caching.Kind) != RefreshScheduleKind.Piecewise
                 && maxAge < interval)
            errors.Add($"{label} maximum cache age ({maxAge}) must be at least the cache interval ({interval}).");
    }

    // True when the refresh set is absent or valid.
    private static bool Refresh(string what, RefreshSettings? refresh, List<string> errors)
    {
        if (refresh is null) return true;
        int before = errors.Count;
        var kind = CompositionSettingsMapper.RefreshKind(refresh.Kind);
        if (kind is null)
        {
            errors.Add($"Unknown {what} kind '{refresh.Kind}': use uniform, quadratic or piecewise.");
            return false;
        }
        if (kind == RefreshScheduleKind.Piecewise) return true;
        if (refresh.Interval is not { } interval) errors.Add($"{what} needs an interval (steps between refreshes).");
        else if (interval < 1) errors.Add($"{what} interval must be at least 1 (got {interval}).");
        if (kind == RefreshScheduleKind.Quadratic)
        {
            if (refresh.CenterFraction is not { } centre) errors.Add($"{what} of kind quadratic needs a centerFraction between 0 and 1.");
            else if (!(centre >= 0 && centre <= 1)) errors.Add($"{what} centre must be between 0 and 1 (got {N(centre)}).");
            if (refresh.Power is { } power && !(power > 1 && double.IsFinite(power)))
                errors.Add($"{what} power must be a number greater than 1 (got {N(power)}).");
        }
        return errors.Count == before;
    }

    private static int Interval(RefreshSettings? given, RefreshSpec fallback) =>
        given is null ? fallback.Interval
        : CompositionSettingsMapper.RefreshKind(given.Kind) == RefreshScheduleKind.Piecewise ? 0
        : given.Interval ?? 0;

    private static string N(double value) => value.ToString(CultureInfo.InvariantCulture);
}
