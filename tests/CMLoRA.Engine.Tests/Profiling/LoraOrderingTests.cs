using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Profiling;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Profiling;

public class LoraOrderingTests
{
    [Fact]
    public void WithoutScoresTheBackgroundMovesToTheEnd()
    {
        // Spec 3.2: [character, clothing, style, background, object] becomes [character, clothing, style, object, background].
        var order = LoraOrdering.Order([Character(), Clothing(), Style(), Background(), Object()]);
        Assert.Equal(["character_1", "clothing_1", "style_1", "object_1", "background_1"], order.All.Select(o => o.Slot.Id));
        Assert.Equal([0, 1, 2, 4, 3], order.All.Select(o => o.Index));
        Assert.Equal(4, order.High.Count);
        Assert.Equal("background_1", Assert.Single(order.Low).Slot.Id);
        Assert.All(order.All, o => Assert.Equal(BandSource.Category, o.Source));
    }

    [Theory]
    [InlineData(LoraCategory.Character, FrequencyBand.High)]
    [InlineData(LoraCategory.Clothing, FrequencyBand.High)]
    [InlineData(LoraCategory.Style, FrequencyBand.High)]
    [InlineData(LoraCategory.Object, FrequencyBand.High)]
    [InlineData(LoraCategory.Other, FrequencyBand.High)]
    [InlineData(LoraCategory.Background, FrequencyBand.Low)]
    public void CategoryFallbackFollowsTheReferencePartition(LoraCategory category, FrequencyBand expected)
    {
        Assert.Equal(expected, LoraOrdering.CategoryBand(category));
    }

    [Fact]
    public void ScoresOrderLorasWithinTheirCategoryGroupWhenNoThresholdIsSet()
    {
        LoraSlot[] loras =
        [
            Character() with { FrequencyScore = 0.3 },
            Clothing() with { FrequencyScore = 0.5 },
            Background() with { FrequencyScore = 0.9 },
            Style(),
        ];
        var order = LoraOrdering.Order(loras);
        Assert.Equal(["clothing_1", "character_1", "style_1"], order.High.Select(o => o.Slot.Id));
        Assert.Equal(["background_1"], order.Low.Select(o => o.Slot.Id));
    }

    [Fact]
    public void ThresholdLetsScoresDecideTheGroup()
    {
        LoraSlot[] loras =
        [
            Character() with { FrequencyScore = 0.3 },
            Clothing() with { FrequencyScore = 0.5 },
            Background() with { FrequencyScore = 0.4 },
            Style(),
        ];
        var order = LoraOrdering.Order(loras, new LoraOrderingOptions { LowFrequencyThreshold = 0.35 });
        Assert.Equal(["clothing_1", "background_1", "style_1"], order.High.Select(o => o.Slot.Id));
        Assert.Equal(["character_1"], order.Low.Select(o => o.Slot.Id));
        Assert.Equal([BandSource.Score, BandSource.Score, BandSource.Category], order.High.Select(o => o.Source));
        Assert.Equal(BandSource.Score, order.Low[0].Source);
    }

    [Fact]
    public void EqualScoresKeepInputOrder()
    {
        var order = LoraOrdering.Order([Style() with { FrequencyScore = 0.4 }, Character() with { FrequencyScore = 0.4 }]);
        Assert.Equal(["style_1", "character_1"], order.All.Select(o => o.Slot.Id));
    }

    [Fact]
    public void NonFiniteScoresAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => LoraOrdering.Order([Character() with { FrequencyScore = double.NaN }]));
        Assert.StartsWith("LoRA 'character_1' has a frequency score of NaN; scores must be finite numbers.", error.Message);
    }

    [Fact]
    public void EmptyCompositionGivesEmptyOrder()
    {
        var order = LoraOrdering.Order([]);
        Assert.Empty(order.All);
    }
}
