using System.Globalization;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The per-step loss history of a run (<c>losses.csv</c>: step, loss, learning rate). Kept in memory and rewritten
/// at each checkpoint, so after a resume the file holds exactly the steps up to the checkpoint and then the new ones.
/// </summary>
public sealed class LossLog
{
    private readonly List<(long Step, float Loss, double Rate)> _entries = [];

    /// <summary>The logged (step, loss) pairs in step order.</summary>
    public IReadOnlyList<(long Step, float Loss, double Rate)> Entries => _entries;

    /// <summary>Appends the loss of the step that completed <paramref name="step"/> steps.</summary>
    public void Add(long step, float loss, double rate) => _entries.Add((step, loss, rate));

    /// <summary>Mean loss of the last <paramref name="window"/> entries, NaN when there are none.</summary>
    public double RecentMean(int window)
    {
        if (_entries.Count == 0) return double.NaN;
        return _entries.Skip(Math.Max(0, _entries.Count - window)).Average(e => (double)e.Loss);
    }

    /// <summary>Reads <paramref name="path"/> keeping only steps up to <paramref name="upToStep"/>; empty when the file is absent.</summary>
    public static LossLog Read(string path, long upToStep)
    {
        var log = new LossLog();
        if (!File.Exists(path)) return log;
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] parts = line.Split(',');
            if (parts.Length < 3) continue;
            long step = long.Parse(parts[0], CultureInfo.InvariantCulture);
            if (step > upToStep) break;
            log.Add(step, float.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        return log;
    }

    /// <summary>Writes the whole history as CSV.</summary>
    public void Write(string path)
    {
        using var writer = new StreamWriter(path + ".partial");
        writer.NewLine = "\n";
        writer.WriteLine("step,loss,learning_rate");
        foreach (var (step, loss, rate) in _entries)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step},{loss:R},{rate:R}"));
        writer.Close();
        File.Move(path + ".partial", path, overwrite: true);
    }
}
