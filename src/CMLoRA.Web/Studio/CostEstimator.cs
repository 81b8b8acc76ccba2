using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;
using CMLoRA.Storage;
using CMLoRA.Web.Generation;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Studio;

/// <summary>
/// The Generate page's cost estimate: exact UNet evaluation counts from the method's plan (<see cref="GenerationCost"/>),
/// and expected seconds from the speed this studio measured on its last finished images. Calibrating with
/// <see cref="SpeedCalibration.Measure"/> would need the worker's loaded model, which only the worker may touch; the
/// images already carry what a calibration measures (denoise seconds per evaluation, text encode and decode times).
/// </summary>
public sealed class CostEstimator(IDbContextFactory<StudioDbContext> dbFactory)
{
    /// <summary>How many recent images the speed is taken from (their median).</summary>
    public const int SampleImages = 20;

    /// <summary>Cost of a cached evaluation relative to a full one when no image measured it (the engine's own fallback).</summary>
    public const double AssumedShallowFraction = 0.25;

    /// <summary>The measured speed on this machine, or null before the first image with timings.</summary>
    public async Task<SpeedCalibration?> MeasuredSpeedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.GeneratedImages.AsNoTracking().Where(i => i.DenoiseSeconds > 0)
            .OrderByDescending(i => i.CreatedUtc).Take(SampleImages)
            .Select(i => new { i.RecipeJson, i.LoraIds, i.Width, i.Height, i.TextEncodeSeconds, i.DenoiseSeconds, i.DecodeSeconds })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return null;
        int width = rows[0].Width, height = rows[0].Height;
        var perPass = new List<double>();
        var encode = new List<double>();
        var decode = new List<double>();
        foreach (var row in rows)
        {
            var recipe = StoredRecipe.Read(row.RecipeJson, row.LoraIds)?.Recipe;
            if (recipe?.Stats is not { FullEvaluations: > 0 } stats) continue;
            // Times scale with the pixel count; everything is brought to the size of the newest image.
            double scale = (double)width * height / ((double)row.Width * row.Height);
            double passes = (stats.FullEvaluations + AssumedShallowFraction * stats.CachedEvaluations) * (recipe.CfgScale > 1 ? 2 : 1);
            perPass.Add(row.DenoiseSeconds / passes * scale);
            encode.Add(row.TextEncodeSeconds);
            decode.Add(row.DecodeSeconds * scale);
        }
        if (perPass.Count == 0) return null;
        return new SpeedCalibration(width, height, Median(perPass), AssumedShallowFraction, Median(encode), Median(decode));
    }

    /// <summary>
    /// The estimate for one image with the method's <paramref name="options"/> (null: the defaults); multiply by the
    /// batch count for the whole job.
    /// </summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public static GenerationCostEstimate Estimate(string method, IReadOnlyList<LoraSlot> loras, int steps, double cfg, int width, int height,
        SpeedCalibration? speed, CompositionSettings? options = null)
    {
        var named = RequestValidator.ParseMethod(method) ?? CompositionMethod.None;
        if (CompositionSettingsValidator.Validate(named, options).Count > 0) throw new ArgumentException("The method's options are out of range.");
        var runs = loras.Count == 0 ? CompositionMethod.None : named;
        return GenerationCost.Estimate(runs, CompositionSettingsMapper.ToEngine(runs, options), loras, Math.Max(1, steps), cfg > 1, speed,
            Math.Max(8, width), Math.Max(8, height));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
