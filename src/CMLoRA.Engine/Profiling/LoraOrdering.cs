// Spec 3.2 (category partition G1/G2), 3.3 ("how LoRAs are ranked") and 3.5 (adapters = G1 ++ G2).
using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Splits a composition into CMLoRA's high- and low-frequency groups and orders each group. The order drives the
/// dominance rotation of <see cref="Composition.Schedules.CmLoraSchedule"/>.
/// </summary>
public static class LoraOrdering
{
    /// <summary>
    /// Orders <paramref name="loras"/>: the high-frequency group first, then the low-frequency group. Within a group,
    /// profiled LoRAs come first by decreasing score (ties keep input order), then unprofiled LoRAs in input order.
    /// A LoRA's group comes from its score when both the score and <see cref="LoraOrderingOptions.LowFrequencyThreshold"/>
    /// are set, otherwise from its category (<see cref="CategoryBand"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The list has duplicate or blank ids, or a score is not a finite number.</exception>
    public static LoraOrder Order(IReadOnlyList<LoraSlot> loras, LoraOrderingOptions? options = null)
    {
        ScheduleArguments.CheckLoraIds(loras);
        double? threshold = options?.LowFrequencyThreshold;
        if (threshold is { } t && !double.IsFinite(t))
            throw new ArgumentException($"The low-frequency threshold must be a finite number, not {t}.", nameof(options));

        var placed = new List<OrderedLora>(loras.Count);
        for (int i = 0; i < loras.Count; i++)
        {
            var slot = loras[i];
            if (slot.FrequencyScore is { } score && !double.IsFinite(score))
                throw new ArgumentException($"LoRA '{slot.Id}' has a frequency score of {score}; scores must be finite numbers.", nameof(loras));
            placed.Add(slot.FrequencyScore is { } s && threshold is { } limit
                ? new OrderedLora(i, slot, s < limit ? FrequencyBand.Low : FrequencyBand.High, BandSource.Score)
                : new OrderedLora(i, slot, CategoryBand(slot.Category), BandSource.Category));
        }

        var high = SortGroup(placed.Where(p => p.Band == FrequencyBand.High));
        var low = SortGroup(placed.Where(p => p.Band == FrequencyBand.Low));
        return new LoraOrder(high.Concat(low).ToList(), high, low);
    }

    /// <summary>
    /// The group a category falls in without a profile: <see cref="LoraCategory.Background"/> is low-frequency; character,
    /// clothing, style, object and other LoRAs are high-frequency. Object follows the reference, whose profiled partition
    /// put object LoRAs with characters, clothing and styles (spec 3.2).
    /// </summary>
    public static FrequencyBand CategoryBand(LoraCategory category) =>
        category == LoraCategory.Background ? FrequencyBand.Low : FrequencyBand.High;

    private static List<OrderedLora> SortGroup(IEnumerable<OrderedLora> group)
    {
        var members = group.ToList();
        var scored = members.Where(m => m.Slot.FrequencyScore.HasValue)
            .OrderByDescending(m => m.Slot.FrequencyScore!.Value)
            .ThenBy(m => m.Index);
        var unscored = members.Where(m => !m.Slot.FrequencyScore.HasValue).OrderBy(m => m.Index);
        return scored.Concat(unscored).ToList();
    }
}
