namespace CMLoRA.Engine.Training;

/// <summary>Starts or resumes a run folder's <c>run.json</c>, shared by the trainers.</summary>
internal static class RunOptions
{
    /// <summary>Writes <paramref name="options"/> into a folder that holds no run yet.</summary>
    public static RunFolder Start<T>(string runPath, T options)
    {
        var run = new RunFolder(runPath);
        if (File.Exists(run.OptionsPath) || run.LatestCheckpoint() is not null)
            throw new InvalidOperationException($"{run.Path} already holds a run; resume it (--resume) or choose another folder");
        run.WriteJson(Path.GetFileName(run.OptionsPath), options);
        return run;
    }

    /// <summary>Reads the options of an existing run, applies <paramref name="update"/> (e.g. more steps) and stores the result.</summary>
    public static (RunFolder Run, T Options) Resume<T>(string runPath, Func<T, T>? update = null)
    {
        var run = new RunFolder(runPath);
        if (!File.Exists(run.OptionsPath))
            throw new InvalidOperationException($"{run.Path} holds no run to resume ({Path.GetFileName(run.OptionsPath)} is missing)");
        var options = run.ReadJson<T>(Path.GetFileName(run.OptionsPath));
        if (update is not null)
        {
            options = update(options);
            run.WriteJson(Path.GetFileName(run.OptionsPath), options);
        }
        return (run, options);
    }
}
