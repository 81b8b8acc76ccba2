using CMLoRA.Engine.Composition;
using CMLoRA.Web.Generation;

namespace CMLoRA.Web.Studio;

/// <summary>
/// The Generate page's editable method options: one set per method, each starting at the engine's defaults, so switching
/// methods keeps what the user typed. <see cref="ToSettings"/> gives the request's options for the chosen method.
/// </summary>
public sealed class MethodOptionsForm
{
    /// <summary>A refresh set as the page edits it; kind "off" only where caching is optional.</summary>
    public sealed class Refresh
    {
        public string Kind { get; set; } = Off;
        public int Interval { get; set; } = 3;
        public double CenterFraction { get; set; } = 0.5;
        public double Power { get; set; } = CompositionSettingsMapper.QuadraticDefaultPower;

        public void Load(RefreshSettings? settings)
        {
            Kind = settings is null ? Off : settings.Kind ?? "uniform";
            if (settings?.Interval is { } interval) Interval = interval;
            if (settings?.CenterFraction is { } centre) CenterFraction = centre;
            if (settings?.Power is { } power) Power = power;
        }

        public RefreshSettings? ToSettings() => Kind switch
        {
            Off => null,
            "piecewise" => new RefreshSettings { Kind = "piecewise" },
            "quadratic" => new RefreshSettings { Kind = "quadratic", Interval = Interval, CenterFraction = CenterFraction, Power = Power },
            _ => new RefreshSettings { Kind = "uniform", Interval = Interval },
        };
    }

    /// <summary>An optional feature cache with its maximum age (empty: no bound).</summary>
    public sealed class Cache
    {
        public Refresh Refresh { get; } = new();
        public int? MaxAge { get; set; }

        public void Load(RefreshSettings? caching, int? maxAge)
        {
            Refresh.Load(caching);
            MaxAge = maxAge;
        }
    }

    public const string Off = "off";

    // CMLoRA
    public Refresh Dominant { get; } = new();
    public Refresh Others { get; } = new();
    public int CmLoraMaxAge { get; set; }
    public double LatePhaseStart { get; set; }
    public bool DecayDominantWeight { get; set; }
    public bool UseCache { get; set; }
    public bool CmLoraBatch { get; set; }
    public double? LowFrequencyThreshold { get; set; }

    // Switch, Composite, Merge, none
    public int SwitchStep { get; set; }
    public Cache SwitchCache { get; } = new();
    public bool CompositeBatch { get; set; }
    public Cache CompositeCache { get; } = new();
    public bool NormalizeWeights { get; set; }
    public Cache MergeCache { get; } = new();
    public Cache NoneCache { get; } = new();

    public MethodOptionsForm()
    {
        foreach (var method in Enum.GetValues<CompositionMethod>()) Reset(method);
    }

    /// <summary>Puts the engine's defaults back for <paramref name="method"/>.</summary>
    public void Reset(CompositionMethod method) => Load(method, null);

    /// <summary>Shows <paramref name="settings"/> for <paramref name="method"/>, with the engine's defaults where it leaves values out.</summary>
    public void Load(CompositionMethod method, CompositionSettings? settings)
    {
        var full = CompositionSettingsMapper.FromEngine(CompositionSettingsMapper.ToEngine(method, settings));
        switch (method)
        {
            case CompositionMethod.CmLora:
                var c = full.CmLora!;
                Dominant.Load(c.DominantRefresh);
                Others.Load(c.NonDominantRefresh);
                CmLoraMaxAge = c.MaxAge!.Value;
                LatePhaseStart = c.LatePhaseStart!.Value;
                DecayDominantWeight = c.DecayDominantWeight!.Value;
                UseCache = c.UseCache!.Value;
                CmLoraBatch = c.BatchAdapters!.Value;
                LowFrequencyThreshold = c.LowFrequencyThreshold;
                break;
            case CompositionMethod.Switch:
                SwitchStep = full.Switch!.SwitchStep!.Value;
                SwitchCache.Load(full.Switch.Caching, full.Switch.MaxAge);
                break;
            case CompositionMethod.Composite:
                CompositeBatch = full.Composite!.BatchAdapters!.Value;
                CompositeCache.Load(full.Composite.Caching, full.Composite.MaxAge);
                break;
            case CompositionMethod.Merge:
                NormalizeWeights = full.Merge!.NormalizeWeights!.Value;
                MergeCache.Load(full.Merge.Caching, full.Merge.MaxAge);
                break;
            default:
                NoneCache.Load(full.None!.Caching, full.None.MaxAge);
                break;
        }
    }

    /// <summary>The request's options for <paramref name="method"/>, every value filled in.</summary>
    public CompositionSettings ToSettings(CompositionMethod method) => method switch
    {
        CompositionMethod.CmLora => new CompositionSettings
        {
            CmLora = new CmLoraSettings
            {
                DominantRefresh = Dominant.ToSettings(), NonDominantRefresh = Others.ToSettings(), MaxAge = CmLoraMaxAge,
                LatePhaseStart = LatePhaseStart, DecayDominantWeight = DecayDominantWeight, UseCache = UseCache, BatchAdapters = CmLoraBatch,
                LowFrequencyThreshold = LowFrequencyThreshold,
            },
        },
        CompositionMethod.Switch => new CompositionSettings
        {
            Switch = new SwitchSettings { SwitchStep = SwitchStep, Caching = SwitchCache.Refresh.ToSettings(), MaxAge = MaxAge(SwitchCache) },
        },
        CompositionMethod.Composite => new CompositionSettings
        {
            Composite = new CompositeSettings { BatchAdapters = CompositeBatch, Caching = CompositeCache.Refresh.ToSettings(), MaxAge = MaxAge(CompositeCache) },
        },
        CompositionMethod.Merge => new CompositionSettings
        {
            Merge = new MergeSettings { NormalizeWeights = NormalizeWeights, Caching = MergeCache.Refresh.ToSettings(), MaxAge = MaxAge(MergeCache) },
        },
        _ => new CompositionSettings { None = new NoLoraSettings { Caching = NoneCache.Refresh.ToSettings(), MaxAge = MaxAge(NoneCache) } },
    };

    // A maximum age only means something with a cache; with the cache off it is not sent.
    private static int? MaxAge(Cache cache) => cache.Refresh.Kind == Off ? null : cache.MaxAge;
}
