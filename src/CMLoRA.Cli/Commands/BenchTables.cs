using System.Globalization;
using CMLoRA.Engine.Benchmarks;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>The Spectre tables of `cmlora bench`.</summary>
internal static class BenchTables
{
    /// <summary>The goal of the engine benchmark: SD 1.5's UNet at this fraction of the matmul rate.</summary>
    public const double UNetGoal = 0.70;

    public static void WriteEngine(EngineBenchmark bench, string device, MachineSnapshot before, MachineSnapshot after)
    {
        var table = new Table().Title($"bench engine · {Markup.Escape(device)}")
            .AddColumn(new TableColumn("name").NoWrap()).AddColumn(new TableColumn("median s").RightAligned()).AddColumn(new TableColumn("GFLOP").RightAligned())
            .AddColumn(new TableColumn("GFLOP/s").RightAligned()).AddColumn(new TableColumn("% of matmul").RightAligned())
            .AddColumn(new TableColumn("matmul GFLOP/s beside").RightAligned());
        foreach (var row in bench.Rows)
            table.AddRow(Markup.Escape(row.Name), F(row.Seconds, 4), row.Gflop > 0 ? F(row.Gflop, 2) : "–", Opt(row.Gflops, 1),
                row.FractionOfCeiling is { } f ? F(100 * f, 1) : "–", Opt(row.CeilingGflops, 1));
        AnsiConsole.Write(table);

        foreach (var row in bench.Rows.Where(r => r.FormulaGflop is not null))
        {
            double gap = row.Gflop / row.FormulaGflop!.Value - 1;
            AnsiConsole.MarkupLine($"[grey]FLOP hooks vs config formula, {Markup.Escape(row.Name)}: {F(row.Gflop, 3)} vs {F(row.FormulaGflop.Value, 3)} GFLOP ({gap:+0.00%;-0.00%})[/]");
        }
        foreach (var row in bench.Rows.Where(r => r.Name.StartsWith("UNet SD 1.5", StringComparison.Ordinal) && r.FractionOfCeiling is not null))
        {
            double fraction = row.FractionOfCeiling!.Value;
            string colour = fraction >= UNetGoal ? "green" : "yellow";
            AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(row.Name)}: {fraction:P1} of the matmul rate (goal ≥ {UNetGoal:P0})[/]");
        }
        foreach (var (name, profile) in bench.Profiles)
            WriteProfile(name, profile, bench.Rows.FirstOrDefault(r => r.Name == name)?.CeilingGflops ?? bench.MatmulCeiling);
        AnsiConsole.MarkupLine($"[grey]machine before: {Markup.Escape(before.ToString())}; after: {Markup.Escape(after.ToString())}[/]");
    }

    private static void WriteProfile(string name, IReadOnlyList<LayerProfileRow> rows, double ceiling)
    {
        double total = rows.Sum(r => r.Seconds);
        var table = new Table().Title($"profile · {Markup.Escape(name)} · {F(total, 2)} s")
            .AddColumn(new TableColumn("layers").NoWrap()).AddColumn(new TableColumn("calls").RightAligned()).AddColumn(new TableColumn("s").RightAligned())
            .AddColumn(new TableColumn("% time").RightAligned()).AddColumn(new TableColumn("GFLOP").RightAligned())
            .AddColumn(new TableColumn("GFLOP/s").RightAligned()).AddColumn(new TableColumn("% of matmul").RightAligned());
        foreach (var row in rows)
            table.AddRow(Markup.Escape(row.Category), row.Calls > 0 ? row.Calls.ToString(CultureInfo.InvariantCulture) : "", F(row.Seconds, 3),
                F(100 * row.Seconds / total, 1), row.Gflop > 0 ? F(row.Gflop, 1) : "–", Opt(row.Gflops, 1),
                row.Gflops is { } g && ceiling > 0 ? F(100 * g / ceiling, 1) : "–");
        AnsiConsole.Write(table);
    }

    public static void WriteLora(LoraBenchmarkResult result, string device)
    {
        var methods = new Table().Title($"bench lora · {Markup.Escape(result.Model)} · {result.Size}² · {result.Steps} steps · rank {result.Rank} · median of {result.Runs} · {Markup.Escape(device)}")
            .AddColumn(new TableColumn("method").NoWrap()).AddColumn(new TableColumn("N").RightAligned()).AddColumn(new TableColumn("full evals").RightAligned())
            .AddColumn(new TableColumn("cached evals").RightAligned()).AddColumn(new TableColumn("UNet calls").RightAligned())
            .AddColumn("merged").AddColumn(new TableColumn("image s").RightAligned()).AddColumn(new TableColumn("UNet s").RightAligned());
        foreach (var row in result.Methods)
            methods.AddRow(Markup.Escape(row.Name), I(row.Loras), I(row.FullEvaluations), I(row.CachedEvaluations), I(row.UNetCalls),
                row.MergedWeights ? "yes" : "", F(row.Seconds, 2), F(row.UNetSeconds, 2));
        AnsiConsole.Write(methods);

        var ratios = new Table().Title("ratios (wall time per image)")
            .AddColumn(new TableColumn("N").RightAligned()).AddColumn(new TableColumn("CMLoRA / Composite").RightAligned())
            .AddColumn(new TableColumn("same, UNet time").RightAligned()).AddColumn(new TableColumn("predicted").RightAligned())
            .AddColumn(new TableColumn("Composite batched / sequential").RightAligned())
            .AddColumn(new TableColumn("CMLoRA batched / sequential").RightAligned());
        foreach (var row in result.Ratios)
            ratios.AddRow(I(row.Loras), Opt(row.CmLoraOverComposite, 3), Opt(row.CmLoraOverCompositeUNet, 3), Opt(row.PredictedCmLoraOverComposite, 3),
                Opt(row.CompositeBatchedOverSequential, 3), Opt(row.CmLoraBatchedOverSequential, 3));
        AnsiConsole.Write(ratios);

        var shallow = result.ShallowPath;
        AnsiConsole.MarkupLine($"shallow path (cached evaluation, cut at {result.CachePoint}): {F(shallow.CachedSeconds, 4)} s vs full {F(shallow.FullSeconds, 4)} s = " +
                               $"[bold]{shallow.Fraction:P1}[/] of the time, {shallow.FlopFraction:P1} of the FLOPs");
        if (result.Ratios.FirstOrDefault(r => r.Loras == 3) is { CmLoraOverComposite: { } three })
            AnsiConsole.MarkupLine($"[{(three <= 0.5 ? "green" : "yellow")}]CMLoRA / Composite at N = 3: {F(three, 3)} (target ≤ 0.5)[/]");

        if (result.Unmerged.Count > 0)
        {
            var unmerged = new Table().Title("one LoRA: unmerged adapters vs merged weights (UNet forward, CFG pair)")
                .AddColumn(new TableColumn("rank").RightAligned()).AddColumn(new TableColumn("layers").RightAligned())
                .AddColumn(new TableColumn("no LoRA s").RightAligned()).AddColumn(new TableColumn("merged s").RightAligned())
                .AddColumn(new TableColumn("unmerged s").RightAligned()).AddColumn(new TableColumn("overhead").RightAligned());
            foreach (var row in result.Unmerged)
                unmerged.AddRow(I(row.Rank), I(row.Layers), F(row.BaseSeconds, 4), F(row.MergedSeconds, 4), F(row.UnmergedSeconds, 4),
                    $"[{(row.Overhead <= 0.10 ? "green" : "yellow")}]{row.Overhead:+0.0%;-0.0%}[/]");
            AnsiConsole.Write(unmerged);
        }
        if (result.AdapterKernels.Count > 0)
        {
            var kernels = new Table().Title("single adapted layer: adapter arithmetic as today vs fused (y.addmm_ of the scaled low-rank hidden)")
                .AddColumn(new TableColumn("layer").NoWrap()).AddColumn(new TableColumn("rank").RightAligned())
                .AddColumn(new TableColumn("base s").RightAligned()).AddColumn(new TableColumn("current s").RightAligned())
                .AddColumn(new TableColumn("fused s").RightAligned()).AddColumn(new TableColumn("current overhead").RightAligned())
                .AddColumn(new TableColumn("fused overhead").RightAligned());
            foreach (var row in result.AdapterKernels)
                kernels.AddRow(Markup.Escape(row.Layer), I(row.Rank), F(row.BaseSeconds, 5), F(row.CurrentSeconds, 5), F(row.FusedSeconds, 5),
                    $"{row.CurrentOverhead:+0.0%;-0.0%}", $"{row.FusedOverhead:+0.0%;-0.0%}");
            AnsiConsole.Write(kernels);
        }
        AnsiConsole.MarkupLine($"[grey]machine before: {Markup.Escape(result.Before.ToString())}; after: {Markup.Escape(result.After.ToString())}[/]");
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Opt(double? value, int decimals) => value is { } v ? F(v, decimals) : "–";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
