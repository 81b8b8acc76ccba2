using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class QualityCombinationsTests
{
    private static readonly IReadOnlyList<QualityLora> AllTen =
        ConceptCatalog.Novel.Select(c => new QualityLora($"/loras/{c.Trigger}.safetensors", c)).ToArray();

    // Ten LoRAs, two per category, always one of the two characters: N=1 → 2; N=2 → 2·(4·2) = 16; N=3 → 2·C(4,2)·2² = 48;
    // N=4 → 2·C(4,3)·2³ = 64; N=5 → 2·2⁴ = 32.
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 16)]
    [InlineData(3, 48)]
    [InlineData(4, 64)]
    [InlineData(5, 32)]
    public void EveryValidSetHasDistinctCategoriesAndOneCharacter(int n, int expected)
    {
        var all = QualityCombinations.Choose(AllTen, n, 1000, seed: 2025);
        Assert.Equal(expected, all.Count);
        Assert.Equal(expected, all.Select(c => c.Name).Distinct().Count());
        foreach (var combination in all)
        {
            Assert.Equal(n, combination.Loras.Count);
            Assert.Equal(n, combination.Loras.Select(l => l.Concept.Category).Distinct().Count());
            Assert.Single(combination.Loras, l => l.Concept.Category == ConceptCategory.Character);
            Assert.Equal(combination.Loras.OrderBy(l => ConceptCatalog.IndexOf(l.Concept.Id)), combination.Loras);
        }
        Assert.Equal(Enumerable.Range(1, expected), all.Select(c => c.Index));
    }

    [Fact]
    public void TheChoiceIsASeededShuffleThatDependsOnlyOnTheSeedAndN()
    {
        var first = QualityCombinations.Choose(AllTen, 3, 4, seed: 2025).Select(c => c.Name).ToArray();
        var again = QualityCombinations.Choose(AllTen.Reverse().ToArray(), 3, 4, seed: 2025).Select(c => c.Name).ToArray();
        var other = QualityCombinations.Choose(AllTen, 3, 4, seed: 7).Select(c => c.Name).ToArray();
        Assert.Equal(4, first.Length);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // A shuffle, not the enumeration order (which would start with boovik+kronvel+quillop… sets of the first LoRAs).
        var enumerationOrder = QualityCombinations.Choose(AllTen, 3, 1000, seed: 2025).Select(c => c.Name).Order(StringComparer.Ordinal).Take(4);
        Assert.NotEqual(enumerationOrder, first);
    }

    [Fact]
    public void WithoutACharacterLoraAnyDistinctCategoriesQualify()
    {
        var noCharacters = AllTen.Where(l => l.Concept.Category != ConceptCategory.Character).ToArray();
        var pairs = QualityCombinations.Choose(noCharacters, 2, 1000, seed: 1);
        Assert.Equal(6 * 4, pairs.Count); // C(4,2) category pairs × 2·2 LoRAs
    }

    [Fact]
    public void RequestsCarryTheCategoryAndTheTriggerAsId()
    {
        var kronvel = AllTen.Single(l => l.Concept.Trigger == "kronvel");
        var request = kronvel.Request(0.8f);
        Assert.Equal(("/loras/kronvel.safetensors", 0.8f, LoraCategory.Clothing, "kronvel"), (request.Path, request.Weight, request.Category, request.ResolvedId));
        Assert.Equal(LoraCategory.Background, AllTen.Single(l => l.Concept.Trigger == "thalvoo").Category);
    }
}
