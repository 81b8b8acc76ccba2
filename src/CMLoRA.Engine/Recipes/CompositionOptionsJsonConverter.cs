using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using CMLoRA.Engine.Profiling;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// Writes each options record as an object with a "method" discriminator and every property spelled out; reads it
/// back strictly (an unknown method or refresh kind is an error, since guessing would change the image).
/// </summary>
internal sealed class CompositionOptionsJsonConverter : JsonConverter<CompositionOptions>
{
    /// <summary>The JSON property names of each options type, so a test can catch a property added later and not serialised.</summary>
    internal static IReadOnlyDictionary<Type, string[]> KnownProperties { get; } = new Dictionary<Type, string[]>
    {
        [typeof(NoLoraOptions)] = ["Caching", "MaxAge"],
        [typeof(MergeOptions)] = ["NormalizeWeights", "Caching", "MaxAge"],
        [typeof(SwitchOptions)] = ["SwitchStep", "Caching", "MaxAge"],
        [typeof(CompositeOptions)] = ["BatchAdapters", "Caching", "MaxAge"],
        [typeof(CmLoraOptions)] =
        [
            "DominantRefresh", "NonDominantRefresh", "MaxAge", "LatePhaseStart", "DecayDominantWeight", "UseCache", "BatchAdapters", "Ordering",
        ],
    };

    public override CompositionOptions Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var o = JsonNode.Parse(ref reader) as JsonObject ?? throw new JsonException("Composition options must be an object.");
        var method = CompositionMethodJsonConverter.Parse(o["method"]?.GetValue<string>() ?? throw new JsonException("Composition options need a 'method'."));
        return method switch
        {
            CompositionMethod.None => new NoLoraOptions { Caching = Refresh(o["caching"]), MaxAge = Int(o["maxAge"]) },
            CompositionMethod.Merge => new MergeOptions
            {
                NormalizeWeights = Bool(o["normalizeWeights"]) ?? false, Caching = Refresh(o["caching"]), MaxAge = Int(o["maxAge"]),
            },
            CompositionMethod.Switch => new SwitchOptions
            {
                SwitchStep = Int(o["switchStep"]) ?? SwitchOptions.DefaultSwitchStep, Caching = Refresh(o["caching"]), MaxAge = Int(o["maxAge"]),
            },
            CompositionMethod.Composite => new CompositeOptions
            {
                BatchAdapters = Bool(o["batchAdapters"]) ?? true, Caching = Refresh(o["caching"]), MaxAge = Int(o["maxAge"]),
            },
            _ => ReadCmLora(o),
        };
    }

    private static CmLoraOptions ReadCmLora(JsonObject o)
    {
        var defaults = new CmLoraOptions();
        return new CmLoraOptions
        {
            DominantRefresh = Refresh(o["dominantRefresh"]) ?? defaults.DominantRefresh,
            NonDominantRefresh = Refresh(o["nonDominantRefresh"]) ?? defaults.NonDominantRefresh,
            MaxAge = Int(o["maxAge"]) ?? defaults.MaxAge,
            LatePhaseStart = o["latePhaseStart"]?.GetValue<double>() ?? defaults.LatePhaseStart,
            DecayDominantWeight = Bool(o["decayDominantWeight"]) ?? defaults.DecayDominantWeight,
            UseCache = Bool(o["useCache"]) ?? defaults.UseCache,
            BatchAdapters = Bool(o["batchAdapters"]) ?? defaults.BatchAdapters,
            Ordering = new LoraOrderingOptions { LowFrequencyThreshold = o["ordering"]?["lowFrequencyThreshold"]?.GetValue<double?>() },
        };
    }

    public override void Write(Utf8JsonWriter writer, CompositionOptions value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("method", CompositionMethodJsonConverter.Name(value.Method));
        switch (value)
        {
            case NoLoraOptions n:
                WriteCaching(writer, n.Caching, n.MaxAge);
                break;
            case MergeOptions m:
                writer.WriteBoolean("normalizeWeights", m.NormalizeWeights);
                WriteCaching(writer, m.Caching, m.MaxAge);
                break;
            case SwitchOptions s:
                writer.WriteNumber("switchStep", s.SwitchStep);
                WriteCaching(writer, s.Caching, s.MaxAge);
                break;
            case CompositeOptions c:
                writer.WriteBoolean("batchAdapters", c.BatchAdapters);
                WriteCaching(writer, c.Caching, c.MaxAge);
                break;
            case CmLoraOptions cm:
                writer.WritePropertyName("dominantRefresh");
                WriteRefresh(writer, cm.DominantRefresh);
                writer.WritePropertyName("nonDominantRefresh");
                WriteRefresh(writer, cm.NonDominantRefresh);
                writer.WriteNumber("maxAge", cm.MaxAge);
                writer.WriteNumber("latePhaseStart", cm.LatePhaseStart);
                writer.WriteBoolean("decayDominantWeight", cm.DecayDominantWeight);
                writer.WriteBoolean("useCache", cm.UseCache);
                writer.WriteBoolean("batchAdapters", cm.BatchAdapters);
                writer.WriteStartObject("ordering");
                if (cm.Ordering.LowFrequencyThreshold is { } t) writer.WriteNumber("lowFrequencyThreshold", t);
                else writer.WriteNull("lowFrequencyThreshold");
                writer.WriteEndObject();
                break;
            default:
                throw new JsonException($"Cannot write composition options of type {value.GetType().Name}.");
        }
        writer.WriteEndObject();
    }

    private static void WriteCaching(Utf8JsonWriter writer, RefreshSpec? caching, int? maxAge)
    {
        writer.WritePropertyName("caching");
        if (caching is null) writer.WriteNullValue();
        else WriteRefresh(writer, caching);
        if (maxAge is { } a) writer.WriteNumber("maxAge", a);
        else writer.WriteNull("maxAge");
    }

    private static void WriteRefresh(Utf8JsonWriter writer, RefreshSpec spec)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", spec.Kind.ToString().ToLowerInvariant());
        if (spec.Kind != RefreshScheduleKind.Piecewise) writer.WriteNumber("interval", spec.Interval);
        if (spec.Kind == RefreshScheduleKind.Quadratic)
        {
            writer.WriteNumber("centerFraction", spec.CenterFraction);
            writer.WriteNumber("power", spec.Power);
        }
        writer.WriteEndObject();
    }

    private static RefreshSpec? Refresh(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonObject o) throw new JsonException("A refresh schedule must be an object.");
        string kind = o["kind"]?.GetValue<string>() ?? throw new JsonException("A refresh schedule needs a 'kind'.");
        try
        {
            return kind switch
            {
                "uniform" => RefreshSpec.Uniform(Int(o["interval"]) ?? throw new JsonException("A uniform refresh schedule needs an 'interval'.")),
                "quadratic" => RefreshSpec.Quadratic(Int(o["interval"]) ?? throw new JsonException("A quadratic refresh schedule needs an 'interval'."),
                    o["centerFraction"]?.GetValue<double>() ?? throw new JsonException("A quadratic refresh schedule needs a 'centerFraction'."),
                    o["power"]?.GetValue<double>() ?? 1.4),
                "piecewise" => RefreshSpec.Piecewise(),
                _ => throw new JsonException($"Unknown refresh schedule kind '{kind}': use uniform, quadratic or piecewise."),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new JsonException($"Invalid refresh schedule: {e.Message}", e);
        }
    }

    private static int? Int(JsonNode? node) => node?.GetValue<int>();

    private static bool? Bool(JsonNode? node) => node?.GetValue<bool>();
}
