using CMLoRA.Engine.Composition;

namespace CMLoRA.Engine.Tests.Composition;

/// <summary>Renders plans as compact strings so that tests can state whole schedules literally.</summary>
internal static class PlanTable
{
    /// <summary>One character per LoRA in caller order: R refresh, - reuse, F full without cache, . not evaluated.</summary>
    public static string Flags(StepPlan plan, int loraCount)
    {
        var chars = new char[loraCount];
        for (int i = 0; i < loraCount; i++)
            chars[i] = plan.CacheActionFor(i) switch
            {
                CacheAction.Refresh => 'R',
                CacheAction.Reuse => '-',
                CacheAction.None => 'F',
                _ => '.',
            };
        return new string(chars);
    }

    /// <summary>CMLoRA row: phase letter (E/L), dominant LoRA's caller index, ':' and the flags.</summary>
    public static string CmLoraRow(StepPlan plan, int loraCount) =>
        $"{(plan.Phase == CompositionPhase.Early ? 'E' : 'L')}{plan.DominantLora}:{Flags(plan, loraCount)}";

    /// <summary>Steps since each LoRA (caller order) last refreshed, at every step of a run.</summary>
    public static int[][] Ages(IReadOnlyList<StepPlan> plans, int loraCount)
    {
        var last = new int[loraCount];
        var ages = new int[plans.Count][];
        for (int step = 0; step < plans.Count; step++)
        {
            ages[step] = new int[loraCount];
            for (int i = 0; i < loraCount; i++)
            {
                if (plans[step].CacheActionFor(i) is CacheAction.Refresh or CacheAction.None) last[i] = step;
                ages[step][i] = step - last[i];
            }
        }
        return ages;
    }

    public static LoraSlot Character(int n = 1) => new($"character_{n}", LoraCategory.Character);
    public static LoraSlot Clothing(int n = 1) => new($"clothing_{n}", LoraCategory.Clothing);
    public static LoraSlot Style(int n = 1) => new($"style_{n}", LoraCategory.Style);
    public static LoraSlot Background(int n = 1) => new($"background_{n}", LoraCategory.Background);
    public static LoraSlot Object(int n = 1) => new($"object_{n}", LoraCategory.Object);

    /// <summary>Compositions of 1..5 LoRAs used by the schedule tables (ComposLoRA ids, combination order).</summary>
    public static IReadOnlyList<LoraSlot> Loras(int n) => n switch
    {
        1 => [Character()],
        2 => [Character(), Background()],
        3 => [Character(), Background(), Clothing()],
        4 => [Character(), Clothing(), Style(), Background()],
        5 => [Character(), Clothing(), Style(), Background(), Object()],
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };
}
