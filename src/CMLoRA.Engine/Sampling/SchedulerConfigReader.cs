using System.Text;
using System.Text.Json;

namespace CMLoRA.Engine.Sampling;

/// <summary>
/// Maps diffusers' JSON keys onto <see cref="SchedulerConfig"/>. Python's json module writes bare
/// <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c> (e.g. <c>"lambda_min_clipped": -Infinity</c>), which strict JSON
/// readers reject, so those tokens are quoted before parsing.
/// </summary>
internal static class SchedulerConfigReader
{
    public static SchedulerConfig Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(QuoteNonFiniteLiterals(json));
        }
        catch (JsonException e)
        {
            throw new FormatException($"scheduler config is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("scheduler config must be a JSON object");
            string? className = null;
            if (root.TryGetProperty("effective_scheduler_config", out var effective))
            {
                className = OptionalString(root, "scheduler_class");
                root = effective;
            }
            return Read(root, className ?? OptionalString(root, "_class_name"));
        }
    }

    private static SchedulerConfig Read(JsonElement o, string? className)
    {
        var d = new SchedulerConfig();
        return new SchedulerConfig
        {
            ClassName = className,
            NumTrainTimesteps = Int(o, "num_train_timesteps") ?? d.NumTrainTimesteps,
            BetaStart = Double(o, "beta_start") ?? d.BetaStart,
            BetaEnd = Double(o, "beta_end") ?? d.BetaEnd,
            BetaSchedule = OptionalString(o, "beta_schedule") is { } bs ? ParseBetaSchedule(bs) : d.BetaSchedule,
            TrainedBetas = FloatArray(o, "trained_betas"),
            StepsOffset = Int(o, "steps_offset") ?? d.StepsOffset,
            TimestepSpacing = OptionalString(o, "timestep_spacing") is { } ts ? ParseSpacing(ts) : null,
            PredictionType = OptionalString(o, "prediction_type") is { } pt ? ParsePrediction(pt) : d.PredictionType,
            UseKarrasSigmas = Bool(o, "use_karras_sigmas") ?? d.UseKarrasSigmas,
            ClipSample = Bool(o, "clip_sample"),
            ClipSampleRange = Double(o, "clip_sample_range") ?? d.ClipSampleRange,
            SetAlphaToOne = Bool(o, "set_alpha_to_one"),
            Thresholding = Bool(o, "thresholding") ?? d.Thresholding,
            RescaleBetasZeroSnr = Bool(o, "rescale_betas_zero_snr") ?? d.RescaleBetasZeroSnr,
            AlgorithmType = OptionalString(o, "algorithm_type") ?? d.AlgorithmType,
            SolverOrder = Int(o, "solver_order") ?? d.SolverOrder,
            SolverType = OptionalString(o, "solver_type") ?? d.SolverType,
            LowerOrderFinal = Bool(o, "lower_order_final") ?? d.LowerOrderFinal,
            EulerAtFinal = Bool(o, "euler_at_final") ?? d.EulerAtFinal,
            FinalSigmasType = OptionalString(o, "final_sigmas_type") is { } fs ? ParseFinalSigmas(fs) : d.FinalSigmasType,
            LambdaMinClipped = Double(o, "lambda_min_clipped") ?? d.LambdaMinClipped,
            UseLuLambdas = Bool(o, "use_lu_lambdas") ?? d.UseLuLambdas,
            VarianceType = OptionalString(o, "variance_type"),
            InterpolationType = OptionalString(o, "interpolation_type") ?? d.InterpolationType,
            TimestepType = OptionalString(o, "timestep_type") ?? d.TimestepType,
            SigmaMin = Double(o, "sigma_min"),
            SigmaMax = Double(o, "sigma_max"),
        };
    }

    internal static BetaSchedule ParseBetaSchedule(string value) => value switch
    {
        "linear" => BetaSchedule.Linear,
        "scaled_linear" => BetaSchedule.ScaledLinear,
        _ => throw new NotSupportedException($"beta_schedule '{value}' is not supported: use linear or scaled_linear."),
    };

    internal static TimestepSpacing ParseSpacing(string value) => value switch
    {
        "linspace" => TimestepSpacing.Linspace,
        "leading" => TimestepSpacing.Leading,
        "trailing" => TimestepSpacing.Trailing,
        _ => throw new NotSupportedException($"timestep_spacing '{value}' is not supported: use linspace, leading or trailing."),
    };

    internal static PredictionType ParsePrediction(string value) => value switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        _ => throw new NotSupportedException($"prediction_type '{value}' is not supported: use epsilon or v_prediction."),
    };

    internal static FinalSigmasType ParseFinalSigmas(string value) => value switch
    {
        "zero" => FinalSigmasType.Zero,
        "sigma_min" => FinalSigmasType.SigmaMin,
        _ => throw new NotSupportedException($"final_sigmas_type '{value}' is not supported: use zero or sigma_min."),
    };

    private static bool Present(JsonElement o, string key, out JsonElement value) =>
        o.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    private static string? OptionalString(JsonElement o, string key) =>
        !Present(o, key, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw new FormatException($"'{key}' must be a string");

    private static bool? Bool(JsonElement o, string key) =>
        !Present(o, key, out var v) ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw new FormatException($"'{key}' must be true or false");

    private static int? Int(JsonElement o, string key) =>
        !Present(o, key, out var v) ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
        : throw new FormatException($"'{key}' must be an integer");

    private static double? Double(JsonElement o, string key)
    {
        if (!Present(o, key, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String)
        {
            switch (v.GetString())
            {
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
                case "NaN": return double.NaN;
            }
        }
        throw new FormatException($"'{key}' must be a number");
    }

    private static float[]? FloatArray(JsonElement o, string key)
    {
        if (!Present(o, key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new FormatException($"'{key}' must be an array of numbers");
        return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number
            ? (float)e.GetDouble()
            : throw new FormatException($"'{key}' must be an array of numbers")).ToArray();
    }

    /// <summary>Quotes bare NaN/Infinity/-Infinity tokens that appear outside strings.</summary>
    internal static string QuoteNonFiniteLiterals(string json)
    {
        var sb = new StringBuilder(json.Length + 16);
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < json.Length) sb.Append(json[++i]);
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') { inString = true; sb.Append(c); continue; }
            string? token = Match(json, i, "-Infinity") ?? Match(json, i, "Infinity") ?? Match(json, i, "NaN");
            if (token != null)
            {
                sb.Append('"').Append(token).Append('"');
                i += token.Length - 1;
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static string? Match(string s, int at, string token) =>
        string.CompareOrdinal(s, at, token, 0, token.Length) == 0 ? token : null;
}
