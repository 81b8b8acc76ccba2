using System.Globalization;
using CMLoRA.Web.Library;

namespace CMLoRA.Web.Collections;

/// <summary>
/// Checks a recipe before anyone spends GPU time on it and explains problems in plain language: LoRAs made for another
/// base model, the same LoRA twice, too much weight for the method (summed for Merge, per LoRA otherwise), LoRAs that are gone.
/// </summary>
public static class PreflightCheck
{
    /// <summary>Merge: above this total |weight| LoRAs usually fight each other and the base model. Switch, Composite and
    /// CMLoRA apply each LoRA in its own pass (one at a time, or one noise prediction each, averaged), so there the
    /// limit holds for each weight on its own.</summary>
    public const double WeightWarning = 2.0;

    /// <summary>What the check needs to know about one item.</summary>
    public sealed record Entry(string Name, string Sha256, double Weight, string? BaseModel, string? MissingReason);

    public static PreflightReport Run(IReadOnlyList<Entry> entries, string targetBaseModel, string method)
    {
        bool weightsAdd = method == CollectionMethods.Merge; // only Merge puts every LoRA into one pass
        var issues = new List<PreflightIssue>();
        if (entries.Count == 0)
            issues.Add(new(PreflightSeverity.Warning, "This collection has no LoRAs yet."));

        foreach (var entry in entries)
        {
            if (entry.MissingReason != null)
            {
                issues.Add(new(PreflightSeverity.Warning, $"“{entry.Name}” is missing: {entry.MissingReason}."));
                continue;
            }
            if (entry.BaseModel == BaseModelNames.Unknown)
                issues.Add(new(PreflightSeverity.Warning, $"The base model of “{entry.Name}” is unknown; make sure it was trained for {targetBaseModel}."));
            else if (entry.BaseModel != null && entry.BaseModel != targetBaseModel)
                issues.Add(new(PreflightSeverity.Warning, $"“{entry.Name}” was made for {entry.BaseModel}, but this collection targets {targetBaseModel}; it will not apply."));
            if (entry.Weight == 0)
                issues.Add(new(PreflightSeverity.Warning, $"“{entry.Name}” has weight 0 and does nothing."));
            else if (entry.Weight < 0)
                issues.Add(new(PreflightSeverity.Info, $"“{entry.Name}” has a negative weight ({Format(entry.Weight)}): it pushes the image away from what it learned."));
            if (!weightsAdd && Math.Abs(entry.Weight) > WeightWarning)
                issues.Add(new(PreflightSeverity.Warning,
                    $"“{entry.Name}” has weight {Format(entry.Weight)}. Above about {Format(WeightWarning)} a LoRA tends to overpower the base model; consider lowering it."));
        }

        foreach (var group in entries.Where(e => e.Sha256.Length > 0).GroupBy(e => e.Sha256).Where(g => g.Count() > 1))
            issues.Add(new(PreflightSeverity.Warning,
                $"“{group.First().Name}” appears {group.Count()} times; its effect would be applied twice. Keep one and adjust its weight."));

        double total = entries.Where(e => e.MissingReason == null).Sum(e => Math.Abs(e.Weight));
        if (weightsAdd && total > WeightWarning)
            issues.Add(new(PreflightSeverity.Warning,
                $"The weights add up to {Format(total)}. Above about {Format(WeightWarning)} LoRAs tend to overpower each other and the base model; consider lowering some."));
        else if (entries.Count > 0)
            issues.Add(new(PreflightSeverity.Info, weightsAdd || entries.Count < 2
                ? $"The weights add up to {Format(total)}."
                : $"The weights add up to {Format(total)}; {CollectionMethods.Name(method)} applies each LoRA on its own, so each weight counts separately."));
        return new PreflightReport(issues, total);
    }

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
