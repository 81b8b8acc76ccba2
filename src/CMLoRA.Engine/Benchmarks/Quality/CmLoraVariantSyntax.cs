using System.Globalization;
using System.Text.RegularExpressions;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.FeatureCache;
using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// The grammar of <c>--cmlora-variants</c>: <c>NAME[:KEY=VALUE[,KEY=VALUE…]][;NAME…]</c>, e.g.
/// <c>c2n4:dom=2,nondom=4,maxage=6;nocache:cache=off;rev:order=reverse</c>. Keys left out keep CMLoRA's defaults.
/// Keys: dom and nondom (refresh sets: an interval N, qN@CENTRE[^POWER] or piecewise), maxage (steps), phase (late-phase
/// start as a fraction of the run), decay, cache and batch (on/off), order (category/reverse) and cut (BLOCK.LAYER).
/// </summary>
public static partial class CmLoraVariantSyntax
{
    /// <summary>The keys in the order <see cref="Format"/> writes them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["dom", "nondom", "maxage", "phase", "decay", "cache", "batch", "order", "cut"];

    /// <summary>Parses a ';'-separated list; null or blank gives none. Names must be distinct and so must the settings.</summary>
    public static IReadOnlyList<CmLoraVariant> ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var variants = new List<CmLoraVariant>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var variant = Parse(part);
            if (variants.Any(v => v.Label == variant.Label))
                throw new ArgumentException($"variant '{NameOf(variant)}' is listed twice");
            // Two names for one setting would make the same images twice and look like two results.
            if (variants.FirstOrDefault(v => v.Definition == variant.Definition) is { } twin)
                throw new ArgumentException($"variants '{NameOf(twin)}' and '{NameOf(variant)}' have the same settings ({variant.Definition})");
            variants.Add(variant);
        }
        if (variants.Count == 0) throw new ArgumentException("--cmlora-variants: no variants given");
        return variants;
    }

    /// <summary>Parses one <c>NAME[:KEY=VALUE,…]</c> into the row labelled cmlora:NAME.</summary>
    public static CmLoraVariant Parse(string text)
    {
        int colon = text.IndexOf(':');
        string name = (colon < 0 ? text : text[..colon]).Trim();
        if (!NamePattern().IsMatch(name))
            throw new ArgumentException($"variant name '{name}' must be 1 to 20 lower-case letters, digits or '-', starting with a letter or digit (e.g. c2n4)");
        return Apply(CmLoraVariant.NamedPrefix + name, name, colon < 0 ? "" : text[(colon + 1)..]);
    }

    /// <summary>The row labelled <paramref name="label"/> with the settings of a <see cref="CmLoraVariant.Definition"/> (or any KEY=VALUE list).</summary>
    public static CmLoraVariant FromDefinition(string label, string definition) => Apply(label, label, definition);

    /// <summary>Writes every setting, all keys in <see cref="Keys"/> order (the inverse of <see cref="FromDefinition"/>).</summary>
    public static string Format(CmLoraOptions options, FeatureCachePoint cut, DominanceOrder order)
    {
        // The demo LoRAs have no frequency profile, so a threshold could not change a row; none of the grammar sets one.
        if (options.Ordering.LowFrequencyThreshold is not null)
            throw new ArgumentException("the quality benchmark's LoRAs carry no frequency profile, so a low-frequency threshold cannot be compared");
        return string.Join(",",
            $"dom={Refresh(options.DominantRefresh)}",
            $"nondom={Refresh(options.NonDominantRefresh)}",
            $"maxage={options.MaxAge.ToString(CultureInfo.InvariantCulture)}",
            $"phase={Number(options.LatePhaseStart)}",
            $"decay={OnOff(options.DecayDominantWeight)}",
            $"cache={OnOff(options.UseCache)}",
            $"batch={OnOff(options.BatchAdapters)}",
            $"order={order.ToString().ToLowerInvariant()}",
            string.Create(CultureInfo.InvariantCulture, $"cut={cut.DownBlock}.{cut.Layer}"));
    }

    private static CmLoraVariant Apply(string label, string name, string settings)
    {
        var options = new CmLoraOptions();
        var cut = FeatureCachePoint.Default;
        var order = DominanceOrder.Category;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var setting in settings.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = setting.IndexOf('=');
            if (equals < 0) throw new ArgumentException($"variant '{name}': '{setting}' is not KEY=VALUE");
            string key = setting[..equals].Trim(), value = setting[(equals + 1)..].Trim();
            if (!Keys.Contains(key))
                throw new ArgumentException($"variant '{name}': unknown key '{key}'; use {string.Join(", ", Keys.Take(Keys.Count - 1))} or {Keys[^1]}");
            if (!seen.Add(key)) throw new ArgumentException($"variant '{name}': '{key}' is set twice");
            string Bad(string rule) => $"variant '{name}': {key}={value} {rule}";
            switch (key)
            {
                case "dom": options = options with { DominantRefresh = ParseRefresh(value, Bad) }; break;
                case "nondom": options = options with { NonDominantRefresh = ParseRefresh(value, Bad) }; break;
                case "maxage":
                    options = options with
                    {
                        MaxAge = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int age) && age >= 1
                            ? age : throw new ArgumentException(Bad("must be a whole number of steps ≥ 1")),
                    };
                    break;
                case "phase":
                    options = options with
                    {
                        LatePhaseStart = TryNumber(value, out double phase) && phase is >= 0 and <= 1
                            ? phase : throw new ArgumentException(Bad("must be a fraction of the run in [0, 1]")),
                    };
                    break;
                case "decay": options = options with { DecayDominantWeight = ParseOnOff(value, Bad) }; break;
                case "cache": options = options with { UseCache = ParseOnOff(value, Bad) }; break;
                case "batch": options = options with { BatchAdapters = ParseOnOff(value, Bad) }; break;
                case "order":
                    order = value switch
                    {
                        "category" => DominanceOrder.Category,
                        "reverse" => DominanceOrder.Reverse,
                        _ => throw new ArgumentException(Bad("must be category or reverse")),
                    };
                    break;
                default: cut = ParseCut(value, Bad); break;
            }
        }
        return new CmLoraVariant(label, options, cut, order);
    }

    // An interval N (uniform), qN@CENTRE[^POWER] (DeepCache's quadratic set), or piecewise (the reference's 2/3/2).
    private static RefreshSpec ParseRefresh(string value, Func<string, string> bad)
    {
        const string Rule = "is not a refresh schedule; use an interval ≥ 1 (4), q<interval>@<centre>[^<power>] (q4@0.5) or piecewise";
        if (value == "piecewise") return RefreshSpec.Piecewise();
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int interval))
            return interval >= 1 ? RefreshSpec.Uniform(interval) : throw new ArgumentException(bad(Rule));
        var match = QuadraticPattern().Match(value);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int nominal) || nominal < 1
            || !TryNumber(match.Groups[2].Value, out double centre) || (match.Groups[3].Success && !TryNumber(match.Groups[3].Value, out _)))
            throw new ArgumentException(bad(Rule));
        if (centre is < 0 or > 1) throw new ArgumentException(bad("has its centre outside [0, 1]"));
        double power = match.Groups[3].Success ? double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 1.4;
        if (!(power > 1)) throw new ArgumentException(bad("has a power not greater than 1"));
        return RefreshSpec.Quadratic(nominal, centre, power);
    }

    private static FeatureCachePoint ParseCut(string value, Func<string, string> bad)
    {
        var parts = value.Split('.');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int block)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int layer))
            throw new ArgumentException(bad("must be BLOCK.LAYER (e.g. 0.1 or 0.0)"));
        return new FeatureCachePoint(block, layer);
    }

    private static bool ParseOnOff(string value, Func<string, string> bad) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ArgumentException(bad("must be on or off")),
    };

    private static string Refresh(RefreshSpec spec) => spec.Kind switch
    {
        RefreshScheduleKind.Uniform => spec.Interval.ToString(CultureInfo.InvariantCulture),
        RefreshScheduleKind.Piecewise => "piecewise",
        _ => $"q{spec.Interval.ToString(CultureInfo.InvariantCulture)}@{Number(spec.CenterFraction)}^{Number(spec.Power)}",
    };

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string NameOf(CmLoraVariant variant) =>
        variant.Label.StartsWith(CmLoraVariant.NamedPrefix, StringComparison.Ordinal) ? variant.Label[CmLoraVariant.NamedPrefix.Length..] : variant.Label;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,19}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^q(\d+)@([0-9.]+)(?:\^([0-9.]+))?$")]
    private static partial Regex QuadraticPattern();
}
