using System.Globalization;
using System.Text;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Draws a loss history as a small standalone SVG: the per-step loss (thin, bucketed to at most 1000 points) and its
/// moving average (thick), loss on a log scale, with step and loss ticks.
/// </summary>
public static class LossPlot
{
    private const double Width = 720, Height = 360, Left = 64, Right = 16, Top = 32, Bottom = 40;
    private const int MaxPoints = 1000;

    /// <summary>Writes the plot of <paramref name="log"/> to <paramref name="path"/>.</summary>
    public static void Write(LossLog log, string path, string title) => File.WriteAllText(path, Render(log, title));

    /// <summary>The SVG text of the plot.</summary>
    public static string Render(LossLog log, string title)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"20\" font-size=\"13\">{Escape(title)}</text>\n"));
        var points = log.Entries.Where(e => float.IsFinite(e.Loss) && e.Loss > 0).Select(e => (X: (double)e.Step, Y: (double)e.Loss)).ToList();
        if (points.Count == 0)
        {
            svg.Append(Invariant($"<text x=\"{Left}\" y=\"{Height / 2}\">no losses logged yet</text>\n</svg>\n"));
            return svg.ToString();
        }

        double xMin = points[0].X, xMax = Math.Max(points[^1].X, xMin + 1);
        double yMin = Math.Log10(points.Min(p => p.Y)), yMax = Math.Log10(points.Max(p => p.Y));
        if (yMax - yMin < 0.1) { yMin -= 0.05; yMax += 0.05; }
        double PlotX(double x) => Left + (x - xMin) / (xMax - xMin) * (Width - Left - Right);
        double PlotY(double y) => Top + (yMax - Math.Log10(y)) / (yMax - yMin) * (Height - Top - Bottom);

        // Axes and ticks
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>\n"));
        for (int i = 0; i <= 4; i++)
        {
            double x = xMin + (xMax - xMin) * i / 4;
            svg.Append(Invariant($"<text x=\"{PlotX(x):F1}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\">{x:0}</text>\n"));
            double logY = yMin + (yMax - yMin) * i / 4;
            double y = Math.Pow(10, logY);
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{PlotY(y):F1}\" y2=\"{PlotY(y):F1}\" stroke=\"#eee\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{PlotY(y) + 4:F1}\" text-anchor=\"end\">{y:G3}</text>\n"));
        }
        svg.Append(Invariant($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">step</text>\n"));

        svg.Append(Polyline(Bucket(points), PlotX, PlotY, "#9ecae1", 1));
        svg.Append(Polyline(Bucket(MovingAverage(points, Math.Max(1, points.Count / 50))), PlotX, PlotY, "#08519c", 2));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static List<(double X, double Y)> Bucket(List<(double X, double Y)> points)
    {
        if (points.Count <= MaxPoints) return points;
        int size = (points.Count + MaxPoints - 1) / MaxPoints;
        return points.Chunk(size).Select(c => (c.Average(p => p.X), c.Average(p => p.Y))).ToList();
    }

    private static List<(double X, double Y)> MovingAverage(List<(double X, double Y)> points, int window)
    {
        var result = new List<(double, double)>(points.Count);
        double sum = 0;
        for (int i = 0; i < points.Count; i++)
        {
            sum += points[i].Y;
            if (i >= window) sum -= points[i - window].Y;
            result.Add((points[i].X, sum / Math.Min(i + 1, window)));
        }
        return result;
    }

    private static string Polyline(List<(double X, double Y)> points, Func<double, double> x, Func<double, double> y, string colour, double width)
    {
        var text = new StringBuilder(Invariant($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" points=\""));
        foreach (var (px, py) in points) text.Append(Invariant($"{x(px):F1},{y(py):F1} "));
        return text.Append("\"/>\n").ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
