using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class QualityPromptTests
{
    private static IReadOnlyList<Concept> Concepts(params string[] triggers) => triggers.Select(t => ConceptCatalog.Find(t)!).ToArray();

    [Theory]
    [InlineData("a red boovik character with eyes, on a plain background", "boovik")]
    [InlineData("a red boovik character with eyes, on a nimbrae background", "boovik", "nimbrae")]
    [InlineData("a red zorbly character with eyes wearing a kronvel, on a plain background, vashtor style", "zorbly", "kronvel", "vashtor")]
    [InlineData("a red boovik character with eyes wearing a quillop, on a thalvoo background, fendrel style, with a zipplet",
        "boovik", "quillop", "fendrel", "thalvoo", "zipplet")]
    // The category slots decide the word order, not the order the LoRAs are listed in.
    [InlineData("a red zorbly character with eyes wearing a kronvel, on a nimbrae background, with a kazzuk", "kazzuk", "nimbrae", "kronvel", "zorbly")]
    // Without a character LoRA the base character fills the required slot.
    [InlineData("a red circle character with eyes, on a nimbrae background, vashtor style", "vashtor", "nimbrae")]
    public void PromptsFollowTheCaptionGrammarWithTriggerWordsInTheirSlots(string expected, params string[] triggers) =>
        Assert.Equal(expected, QualityPrompt.Build(Concepts(triggers)));

    [Fact]
    public void ThePromptIsTheCaptionOfTheSceneItDescribes()
    {
        var concepts = Concepts("boovik", "kronvel", "nimbrae");
        var scene = QualityPrompt.Scene(concepts);
        Assert.Equal(new SceneSpec("ghost", "red", true, false, "aurora", Clothing: "crown"), scene);
        Assert.Equal(CaptionWriter.Write(scene), QualityPrompt.Build(concepts));
        Assert.Equal(new[] { "ghost", "crown", "aurora" }, scene.Concepts.Select(c => c.Id));
    }

    [Fact]
    public void TwoConceptsOfOneCategoryAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => QualityPrompt.Build(Concepts("boovik", "zorbly")));
        Assert.Equal("A combination holds at most one concept per category; boovik and zorbly are both character.", error.Message);
    }
}
