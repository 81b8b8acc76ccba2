using System.Globalization;
using CMLoRA.Engine.Conformance;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CMLoRA.Cli.Commands;

/// <summary>Renders a <see cref="ConformanceReport"/>: one row per reference tensor and layout, then a summary.</summary>
internal static class ConformanceTableRenderer
{
    public static void Render(IAnsiConsole console, ConformanceReport report, bool failuresOnly)
    {
        var table = new Table().Title("Conformance: " + Markup.Escape(report.ReferenceDirectory))
            .AddColumn("file").AddColumn("tensor").AddColumn("layout")
            .AddColumn(new TableColumn("max abs").RightAligned())
            .AddColumn(new TableColumn("relative").RightAligned())
            .AddColumn("tolerance")
            .AddColumn(new TableColumn("fp32 vs fp64").RightAligned())
            .AddColumn("result");
        var shown = report.Rows.Where(r => !failuresOnly || r.Status == ConformanceStatus.Fail).ToList();
        foreach (var row in shown)
        {
            table.AddRow(
                new Text(Path.GetFileNameWithoutExtension(row.File)),
                new Text(row.Tensor),
                new Text(row.Layout),
                new Text(Number(row.MaxAbsError)),
                new Text(Number(row.RelativeError)),
                new Text(row.Tolerance.ToString()),
                new Text(Number(row.Fp64Gap)),
                Result(row));
        }
        if (shown.Count > 0) console.Write(table);

        int passed = report.Rows.Count(r => r.Status == ConformanceStatus.Pass);
        int failed = report.Rows.Count(r => r.Status == ConformanceStatus.Fail);
        int skipped = report.Rows.Count(r => r.Status == ConformanceStatus.NotComputed);
        console.Write(new Text($"{report.Compared} compared: {passed} passed, {failed} failed; {skipped} not computed. " +
                               $"Layouts: {string.Join(", ", report.Layouts)}. {report.WrittenFiles.Count} files written to " +
                               $"{report.OutputDirectory} in {report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.\n",
            new Style(failed == 0 ? Color.Green : Color.Red)));
        console.Write(new Text("Tolerances: components and prompt embeddings rel ≤ 1e-4; schedules rel ≤ 1e-6; " +
                               "sampling steps, final latents and raw decode rel ≤ 1e-3; image_0_1 max abs ≤ 1e-3 (docs/conformance.md).\n"));
    }

    private static IRenderable Result(ConformanceRow row) => row.Status switch
    {
        ConformanceStatus.Pass => new Text("ok", new Style(Color.Green)),
        ConformanceStatus.Fail => new Text("FAIL" + (row.Note is null ? "" : ": " + row.Note), new Style(Color.Red)),
        _ => new Text("not computed: " + row.Note, new Style(Color.Grey)),
    };

    private static string Number(double? value) => value switch
    {
        null => "",
        { } v when double.IsNaN(v) => "NaN",
        { } v when double.IsInfinity(v) => "inf",
        { } v => v.ToString("0.00e+00", CultureInfo.InvariantCulture),
    };
}
