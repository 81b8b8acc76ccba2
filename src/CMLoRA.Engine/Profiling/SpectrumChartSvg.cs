using System.Globalization;
using System.Security;
using System.Text;

namespace CMLoRA.Engine.Profiling;

/// <summary>
/// Draws LoRA profiles as an SVG line chart: the relative radial spectrum P_rel(r) of each LoRA's images (solid)
/// against its base images (dashed, same colour), and below it the difference P_rel,LoRA − P_rel,base, with the
/// high-frequency band r ≥ r0 shaded. H is the mean of P_rel over that band, so the lower panel's shaded part is
/// what the score ΔH averages.
/// </summary>
public static class SpectrumChartSvg
{
    private const int Width = 820, Left = 64, PlotWidth = 520, TopY = 40, TopHeight = 250, BottomY = 340, BottomHeight = 170, Height = 560;

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

    /// <summary>Renders the chart of <paramref name="series"/> (name and profile of each LoRA) as an SVG document.</summary>
    /// <exception cref="ArgumentException">No profiles.</exception>
    public static string Render(IReadOnlyList<(string Name, LoraProfile Profile)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("There is nothing to chart: no profiles were given.", nameof(series));

        int maxRadius = series.Max(s => s.Profile.Spectrum.MaxRadius);
        int cutoff = series[0].Profile.Spectrum.CutoffRadius;
        double low = Math.Min(0, Math.Floor(10 * series.Min(s => Math.Min(s.Profile.Spectrum.Relative.Min(), s.Profile.BaseSpectrum.Relative.Min()))) / 10);
        double spread = series.Max(s => Differences(s.Profile).Select(Math.Abs).DefaultIfEmpty(0).Max());
        spread = spread > 0 ? spread * 1.1 : 0.01;

        double X(double r) => Left + PlotWidth * r / Math.Max(1, maxRadius);
        double TopYOf(double v) => TopY + TopHeight * (1 - (v - low) / (1 - low));
        double BottomYOf(double v) => BottomY + BottomHeight * (0.5 - v / (2 * spread));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");

        // 1. Panels, the high-frequency band, axes
        Panel(svg, TopY, TopHeight, X(cutoff), "Relative radial spectrum P_rel(r): LoRA (solid) vs base (dashed)");
        Panel(svg, BottomY, BottomHeight, X(cutoff), "P_rel,LoRA(r) − P_rel,base(r); ΔH is its mean over the shaded band");
        for (int k = 0; k <= 4; k++)
        {
            double v = low + (1 - low) * k / 4;
            YTick(svg, TopYOf(v), v);
            double d = -spread + 2 * spread * k / 4;
            YTick(svg, BottomYOf(d), d);
        }
        for (int k = 0; k <= 5; k++)
        {
            int r = (int)Math.Round((double)maxRadius * k / 5);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(r):0.#}\" y=\"{BottomY + BottomHeight + 16}\" text-anchor=\"middle\">{r}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + PlotWidth / 2}\" y=\"{BottomY + BottomHeight + 34}\" text-anchor=\"middle\">radius r (pixels); r₀ = {cutoff}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{BottomYOf(0):0.##}\" y2=\"{BottomYOf(0):0.##}\" stroke=\"#888\"/>\n");

        // 2. One colour per LoRA
        for (int i = 0; i < series.Count; i++)
        {
            var (name, profile) = series[i];
            string colour = Palette[i % Palette.Length];
            Polyline(svg, profile.BaseSpectrum.Relative, r => X(r), TopYOf, colour, dashed: true);
            Polyline(svg, profile.Spectrum.Relative, r => X(r), TopYOf, colour, dashed: false);
            Polyline(svg, Differences(profile), r => X(r), BottomYOf, colour, dashed: false);
            double legendY = TopY + 10 + 36 * i;
            int legendX = Left + PlotWidth + 24;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{legendX}\" x2=\"{legendX + 24}\" y1=\"{legendY:0.#}\" y2=\"{legendY:0.#}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 30}\" y=\"{legendY + 4:0.#}\">{SecurityElement.Escape(name)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 30}\" y=\"{legendY + 19:0.#}\" fill=\"#555\">ΔH = {profile.Score:+0.0000;−0.0000;0.0000} ({profile.Group})</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static double[] Differences(LoraProfile profile)
    {
        var lora = profile.Spectrum.Relative;
        var baseline = profile.BaseSpectrum.Relative;
        return Enumerable.Range(0, Math.Min(lora.Count, baseline.Count)).Select(r => lora[r] - baseline[r]).ToArray();
    }

    private static void Panel(StringBuilder svg, int y, int height, double bandStart, string title)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{bandStart:0.##}\" y=\"{y}\" width=\"{Left + PlotWidth - bandStart:0.##}\" height=\"{height}\" fill=\"#f2f2f2\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y}\" width=\"{PlotWidth}\" height=\"{height}\" fill=\"none\" stroke=\"#444\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{y - 8}\" font-weight=\"bold\">{SecurityElement.Escape(title)}</text>\n");
    }

    private static void YTick(StringBuilder svg, double y, double value) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.##}\" text-anchor=\"end\">{value:0.###}</text>\n");

    private static void Polyline(StringBuilder svg, IReadOnlyList<double> values, Func<int, double> x, Func<double, double> y, string colour, bool dashed)
    {
        var points = string.Join(' ', values.Select((v, r) => string.Create(CultureInfo.InvariantCulture, $"{x(r):0.##},{y(v):0.##}")));
        string dash = dashed ? " stroke-dasharray=\"5 4\" stroke-opacity=\"0.7\"" : "";
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{(dashed ? 1.2 : 1.8)}\"{dash} points=\"{points}\"/>\n");
    }
}
