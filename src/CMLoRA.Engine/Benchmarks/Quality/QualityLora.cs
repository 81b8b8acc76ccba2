using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>A demo LoRA of the benchmark: its file and the novel world concept it teaches.</summary>
/// <param name="Path">The kohya .safetensors file.</param>
/// <param name="Concept">The novel concept; its trigger word is the prompt's word for it.</param>
public sealed record QualityLora(string Path, Concept Concept)
{
    /// <summary>The composition category of the concept's slot (CMLoRA orders by it when no profile is known).</summary>
    public LoraCategory Category => ToLoraCategory(Concept.Category);

    /// <summary>The request the generator gets: weight <paramref name="weight"/>, the category, the trigger word as id.</summary>
    public LoraRequest Request(float weight) => new(Path, weight, Category, Id: Concept.Trigger);

    /// <summary>Maps a world category onto the composition's.</summary>
    public static LoraCategory ToLoraCategory(ConceptCategory category) => category switch
    {
        ConceptCategory.Character => LoraCategory.Character,
        ConceptCategory.Clothing => LoraCategory.Clothing,
        ConceptCategory.Style => LoraCategory.Style,
        ConceptCategory.Background => LoraCategory.Background,
        ConceptCategory.Object => LoraCategory.Object,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    /// <summary>
    /// The demo LoRAs in <paramref name="folder"/>, in catalogue order: every *.safetensors whose file name is a novel
    /// concept's trigger word (or id), or whose <c>modelspec.trigger_phrase</c> is one. Other files are ignored.
    /// </summary>
    public static IReadOnlyList<QualityLora> Discover(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"LoRA folder not found: {folder}");
        var found = new Dictionary<string, QualityLora>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal))
        {
            var concept = NovelConcept(System.IO.Path.GetFileNameWithoutExtension(file)) ?? NovelConcept(TriggerPhrase(file));
            if (concept is null) continue;
            if (found.TryGetValue(concept.Id, out var other))
                throw new ArgumentException($"Two LoRAs teach {concept.Trigger}: {System.IO.Path.GetFileName(other.Path)} and {System.IO.Path.GetFileName(file)}.");
            found[concept.Id] = new QualityLora(file, concept);
        }
        return found.Values.OrderBy(l => ConceptCatalog.IndexOf(l.Concept.Id)).ToArray();
    }

    private static Concept? NovelConcept(string? name) => name is null ? null : ConceptCatalog.Find(name) is { IsNovel: true } c ? c : null;

    private static string? TriggerPhrase(string file)
    {
        try
        {
            using var safetensors = SafetensorsFile.Open(file);
            return safetensors.Metadata.TryGetValue("modelspec.trigger_phrase", out var trigger) ? trigger.Trim() : null;
        }
        catch (SafetensorsFormatException)
        {
            return null;
        }
    }
}
