using CMLoRA.BuildTasks;

namespace CMLoRA.Engine.Tests.Foundation;

/// <summary>The build step that lets libLibTorchSharp.so load on a libstdc++ without GLIBCXX_3.4.32.</summary>
public class ElfVersionWeakenerTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static string OutputCopy() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    private static string? NuGetCacheCopy()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                      ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    private static bool SystemProvides()
    {
        string? system = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        return system != null && ElfVersionWeakener.ProvidesVersion(File.ReadAllBytes(system), Version);
    }

    [Fact]
    public void Build_output_copy_is_weak_exactly_when_the_system_lacks_the_version()
    {
        var requirements = ElfVersionWeakener.ListRequirements(File.ReadAllBytes(OutputCopy()));
        var glibcxx = requirements.Where(r => r.Key == Version).ToList();
        Assert.NotEmpty(glibcxx);
        Assert.All(glibcxx, r => Assert.Equal(!SystemProvides(), r.Value));
        // Every other requirement keeps its strength.
        Assert.All(requirements.Where(r => r.Key != Version), r => Assert.False(r.Value, r.Key));
    }

    [Fact]
    public void NuGet_cache_copy_is_never_modified()
    {
        string? cached = NuGetCacheCopy();
        if (cached == null) return; // a custom package layout; nothing to compare
        var requirements = ElfVersionWeakener.ListRequirements(File.ReadAllBytes(cached));
        Assert.Contains(requirements, r => r.Key == Version && !r.Value);
    }

    [Fact]
    public void MarkWeak_changes_only_the_flag_bits_and_is_idempotent()
    {
        string? cached = NuGetCacheCopy();
        byte[] original = File.ReadAllBytes(cached ?? OutputCopy());
        byte[] patched = (byte[])original.Clone();
        int first = ElfVersionWeakener.MarkWeak(patched, Version);
        Assert.Equal(0, ElfVersionWeakener.MarkWeak(patched, Version));
        int differing = original.Zip(patched).Count(p => p.First != p.Second);
        Assert.Equal(first, differing); // one flag byte per requirement, nothing else
        Assert.All(ElfVersionWeakener.ListRequirements(patched).Where(r => r.Key == Version), r => Assert.True(r.Value));
    }

    [Fact]
    public void Non_elf_input_is_rejected()
    {
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionWeakener.ListRequirements(new byte[128]));
        Assert.Equal("not an ELF file", error.Message);
    }

    [Fact]
    public void ProvidesVersion_needs_a_whole_string_table_entry()
    {
        byte[] library = "\0GLIBCXX_3.4.30\0GLIBCXX_3.4.321\0"u8.ToArray();
        Assert.False(ElfVersionWeakener.ProvidesVersion(library, Version));
        Assert.True(ElfVersionWeakener.ProvidesVersion(library, "GLIBCXX_3.4.30"));
    }
}
