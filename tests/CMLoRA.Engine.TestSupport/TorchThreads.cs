namespace CMLoRA.Engine.TestSupport;

/// <summary>libtorch's intra-op thread count for test processes.</summary>
public static class TorchThreads
{
    /// <summary>
    /// One libtorch thread. xUnit runs test classes in parallel, so one thread per test keeps them from oversubscribing
    /// the cores (on 2 shared cores, default intra-op threading made tiny forwards 100× slower), and tests that compare
    /// results bit for bit need one reduction order. libtorch stores the count for threads that have not run a parallel
    /// region yet; call this from a module initializer of the test assembly, before any test runs (a module
    /// initializer here would run only when this assembly happens to be loaded).
    /// </summary>
    public static void UseOne() => TorchSharp.torch.set_num_threads(1);
}
