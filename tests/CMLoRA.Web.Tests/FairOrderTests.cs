using CMLoRA.Storage.Generation;

namespace CMLoRA.Web.Tests;

/// <summary>The queue order: admin priorities first, then round-robin across owners, FIFO within an owner.</summary>
public class FairOrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static QueuedJob Job(string name, string owner, int minute, int? priority = null) =>
        new(new Guid(name.PadLeft(32, '0')), owner, T0.AddMinutes(minute), priority);

    private static string Names(IEnumerable<QueuedJob> jobs) => string.Join(" ", jobs.Select(j => j.Id.ToString("N").TrimStart('0')));

    [Fact]
    public void RoundRobinAcrossOwnersByOldestWaitingJob()
    {
        // a queued 3 first, b 2 later, c 1 in between
        var jobs = new[]
        {
            Job("a1", "ann", 0), Job("a2", "ann", 1), Job("a3", "ann", 2),
            Job("b1", "bob", 5), Job("b2", "bob", 6),
            Job("c1", "cat", 3),
        };
        Assert.Equal("a1 c1 b1 a2 b2 a3", Names(FairOrder.Order(jobs)));
    }

    [Fact]
    public void FifoWithinAnOwnerWhateverTheInputOrder()
    {
        var jobs = new[] { Job("a3", "ann", 9), Job("a1", "ann", 1), Job("a2", "ann", 4) };
        Assert.Equal("a1 a2 a3", Names(FairOrder.Order(jobs)));
    }

    [Fact]
    public void AdminPrioritiesComeFirstLowestNumberFirst()
    {
        var jobs = new[]
        {
            Job("a1", "ann", 0), Job("a2", "ann", 1),
            Job("b1", "bob", 2, priority: 2), Job("b2", "bob", 3),
            Job("c1", "cat", 4, priority: 1),
        };
        Assert.Equal("c1 b1 a1 b2 a2", Names(FairOrder.Order(jobs)));
    }

    [Fact]
    public void OwnerServedMostRecentlyWaitsBehindOwnersNotServed()
    {
        // ann's a1 just ran; her a2, a3 are older than bob's b1 but bob has not been served.
        var jobs = new[] { Job("a2", "ann", 1), Job("a3", "ann", 2), Job("b1", "bob", 5), Job("c1", "cat", 7) };
        var lastStarted = new Dictionary<string, DateTimeOffset> { ["ann"] = T0.AddMinutes(10), ["cat"] = T0.AddMinutes(8) };
        Assert.Equal("b1 c1 a2 a3", Names(FairOrder.Order(jobs, lastStarted)));
    }

    [Fact]
    public void EqualTimesAreBrokenByOwnerThenId()
    {
        var jobs = new[] { Job("b2", "bob", 0), Job("b1", "bob", 0), Job("a1", "ann", 0) };
        Assert.Equal("a1 b1 b2", Names(FairOrder.Order(jobs)));
    }

    [Fact]
    public void EmptyQueue() => Assert.Empty(FairOrder.Order([]));
}
