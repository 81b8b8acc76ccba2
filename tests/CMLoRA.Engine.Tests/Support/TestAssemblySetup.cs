using System.Runtime.CompilerServices;

namespace CMLoRA.Engine.Tests.Support;

/// <summary>Process-wide settings made once, when the test assembly loads, before any test class runs in parallel.</summary>
internal static class TestAssemblySetup
{
    [ModuleInitializer]
    internal static void Initialize() => TorchThreads.UseOne();
}
