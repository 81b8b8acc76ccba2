using System.Runtime.CompilerServices;

namespace CMLoRA.Engine.Tests.Support;

internal static class TorchThreads
{
    /// <summary>
    /// xUnit runs test classes in parallel; one libtorch thread per test keeps them from oversubscribing the cores
    /// (on 2 shared cores, default intra-op threading made tiny forwards 100× slower).
    /// </summary>
    [ModuleInitializer]
    internal static void UseOneThreadPerTest() => TorchSharp.torch.set_num_threads(1);
}
