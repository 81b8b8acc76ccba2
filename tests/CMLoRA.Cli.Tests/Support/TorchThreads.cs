using System.Runtime.CompilerServices;

namespace CMLoRA.Cli.Tests.Support;

internal static class TorchThreads
{
    /// <summary>One libtorch thread, as the conformance tests pass with --threads 1: the test machines' cores are shared.</summary>
    [ModuleInitializer]
    internal static void UseOneThread() => TorchSharp.torch.set_num_threads(1);
}
