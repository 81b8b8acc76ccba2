using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CMLoRA.TestSupport;

/// <summary>
/// Runs the real studio (the web project's build output) as a child process on a free loopback port with
/// its own temporary data folder, exactly as `dotnet run` would, and stops it on dispose.
/// </summary>
public sealed partial class StudioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    public string DataDir { get; }
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");
    public string Log => string.Join(Environment.NewLine, _log);
    public bool HasExited => _process.HasExited;

    /// <summary>The studio's peak resident memory so far (Linux VmHWM), in bytes.</summary>
    public long PeakMemoryBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("VmHWM not found");
    }

    private StudioProcess(Process process, string dataDir)
    {
        _process = process;
        DataDir = dataDir;
    }

    public static string WebAssemblyPath =>
        Path.Combine(RepoRoot.Path, "src", "CMLoRA.Web", "bin", RepoRoot.Configuration, "net10.0", "CMLoRA.Web.dll");

    /// <summary>Starts the studio; <paramref name="dataDir"/> is reused when given (restart tests), else a new temp folder.</summary>
    public static async Task<StudioProcess> StartAsync(string? dataDir = null, IDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("cmlora-studio-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WebAssemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["Studio__DataDir"] = dataDir;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // A test studio starts with an empty library unless the test gives it a demo folder (models/builtin/loras may exist).
        start.Environment["Studio__DemoLoraDir"] = "";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var studio = new StudioProcess(process, dataDir);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => studio.OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => studio.OnLine(e.Data, listening);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var deadline = Task.Delay(timeout ?? TimeSpan.FromSeconds(90));
        var first = await Task.WhenAny(listening.Task, exited, deadline);
        if (first != listening.Task)
        {
            string reason = first == exited ? $"exited with code {process.ExitCode}" : "did not start listening in time";
            await studio.DisposeAsync();
            throw new InvalidOperationException($"The studio {reason}. Its output:{Environment.NewLine}{studio.Log}");
        }
        studio.BaseAddress = await listening.Task;
        return studio;
    }

    private void OnLine(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line == null) return;
        _log.Enqueue(line);
        var match = ListeningLine().Match(line);
        if (match.Success) listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Stops the process abruptly, as a crash or power cut would.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); }
        catch (InvalidOperationException) { } // never started
        _process.Dispose();
    }
}
