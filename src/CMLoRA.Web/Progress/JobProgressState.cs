using System.Globalization;
using CMLoRA.Web.Jobs;

namespace CMLoRA.Web.Progress;

/// <summary>Where a job stands, as far as its events tell: what <c>JobProgress.razor</c> shows.</summary>
public sealed class JobProgressState
{
    public enum Phase { Waiting, Queued, Running, Finished, Failed, Cancelled }

    public Phase Status { get; private set; } = Phase.Waiting;
    public int Position { get; private set; }
    public string Method { get; private set; } = "";
    public int Step { get; private set; }
    public int Total { get; private set; }
    public double StepsPerSecond { get; private set; }
    public double EtaSeconds { get; private set; }
    public string? Reason { get; private set; }

    /// <summary>The base model the worker is loading for the job before its first step; null once steps run (or when none is loaded).</summary>
    public string? LoadingModel { get; private set; }

    /// <summary>True while the bar can show no fraction: waiting, queued, or loading the model.</summary>
    public bool IsIndeterminate => Status is Phase.Waiting or Phase.Queued || (Status == Phase.Running && LoadingModel != null);
    public IReadOnlyList<Guid> ImageIds { get; private set; } = [];

    /// <summary>The latest preview as a data: URL (kept until a newer one arrives).</summary>
    public string? PreviewDataUrl { get; private set; }

    /// <summary>The step whose preview <see cref="PreviewDataUrl"/> shows.</summary>
    public int PreviewStep { get; private set; }

    public bool IsOver => Status is Phase.Finished or Phase.Failed or Phase.Cancelled;

    public void Apply(JobEvent e)
    {
        switch (e)
        {
            case JobQueued queued:
                if (Status is Phase.Waiting or Phase.Queued) { Status = Phase.Queued; Position = queued.Position; }
                break;
            case JobStarted started:
                Status = Phase.Running;
                Method = started.Method;
                Total = started.TotalSteps;
                Step = 0;
                LoadingModel = null;
                break;
            case JobModelLoading loading:
                Status = Phase.Running;
                LoadingModel = loading.Model;
                break;
            case JobStep step:
                Status = Phase.Running;
                LoadingModel = null;
                Step = step.Step;
                Total = step.Total;
                StepsPerSecond = step.StepsPerSecond;
                EtaSeconds = step.EtaSeconds;
                if (step.PreviewPng is { Length: > 0 } png)
                {
                    PreviewDataUrl = "data:image/png;base64," + Convert.ToBase64String(png);
                    PreviewStep = step.Step;
                }
                break;
            case JobFinished finished:
                Status = Phase.Finished;
                LoadingModel = null;
                Step = Total;
                EtaSeconds = 0;
                ImageIds = finished.ImageIds;
                break;
            case JobFailed failed:
                Status = Phase.Failed;
                Reason = failed.Reason;
                break;
            case JobCancelled:
                Status = Phase.Cancelled;
                break;
        }
    }

    /// <summary>One line for people: "Step 12 of 30 · 3.2 it/s · about 6 s left".</summary>
    public string Text => Status switch
    {
        Phase.Waiting => "Waiting for the job's progress…",
        Phase.Queued => Position <= 1 ? "Queued: next to run" : $"Queued: position {Position}",
        Phase.Running when LoadingModel != null => $"Loading model {LoadingModel}…",
        Phase.Running when Step == 0 => $"Starting ({Method})…",
        Phase.Running => $"Step {Step} of {Total} · {StepsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} it/s · {Eta(EtaSeconds)}",
        Phase.Finished => ImageIds.Count == 1 ? "Finished" : $"Finished: {ImageIds.Count} images",
        Phase.Failed => "Failed: " + Reason,
        Phase.Cancelled => "Cancelled",
        _ => "",
    };

    private static string Eta(double seconds) => seconds switch
    {
        < 1 => "almost done",
        < 90 => $"about {Math.Ceiling(seconds):0} s left",
        _ => $"about {Math.Ceiling(seconds / 60):0} min left",
    };
}
