using System.Runtime;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Runs a stretch of libtorch calls without garbage collections: TorchSharp 0.107 passes implicit <c>Scalar</c>
/// temporaries (every <c>a + b</c> carries an alpha of 1) to native code without keeping them alive, so a collection
/// triggered by another thread can finalize one while libtorch still reads it ("Expected false to be true" from
/// c10::Scalar::toFloat, or garbage values, reproduced with a thread forcing collections). A no-GC region (at most one
/// per process, hence the lock) closes that window for the training thread; the collection that opens it runs while
/// this thread has no call in flight.
/// </summary>
internal sealed class GcQuietSection : IDisposable
{
    private static readonly object Gate = new();
    private static readonly long[] Budgets = [64L << 20, 16L << 20];

    private readonly bool _started;
    private bool _disposed;

    private GcQuietSection()
    {
        Monitor.Enter(Gate);
        foreach (long budget in Budgets)
        {
            try
            {
                _started = GC.TryStartNoGCRegion(budget);
                break;
            }
            catch (ArgumentOutOfRangeException)
            {
                // The budget exceeds what this GC configuration can reserve; try a smaller one.
            }
            catch (InvalidOperationException)
            {
                // Some other code holds a no-GC region; run unprotected rather than wait for it.
                break;
            }
        }
    }

    /// <summary>Enters a quiet section; dispose it to leave.</summary>
    public static GcQuietSection Enter() => new();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            // Allocating past the budget ends the region early with a collection; then there is nothing to end.
            if (_started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }
}
