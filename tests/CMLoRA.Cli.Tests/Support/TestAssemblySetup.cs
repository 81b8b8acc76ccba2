using System.Runtime.CompilerServices;

namespace CMLoRA.Cli.Tests.Support;

/// <summary>
/// Process-wide settings made once, when the test assembly loads, before any test class runs in parallel (the
/// conformance and generation tests also pass --threads 1, the same value).
/// </summary>
internal static class TestAssemblySetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchThreads.UseOne();
}
