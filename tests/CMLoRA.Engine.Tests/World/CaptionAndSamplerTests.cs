using System.Text.RegularExpressions;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.World;

public class CaptionAndSamplerTests
{
    [Fact]
    public void Base_caption_reads_as_described()
    {
        var spec = new SceneSpec("circle", "red", Eyes: true, Smile: false, Background: "sunset", Clothing: "hat", Style: "crosshatch", Object: "moon");
        Assert.Equal("a red circle character with eyes wearing a hat, on a sunset background, crosshatch style, with a moon", CaptionWriter.Write(spec));
    }

    [Fact]
    public void Novel_concepts_appear_by_trigger_word()
    {
        var spec = new SceneSpec("ghost", "blue", Eyes: false, Smile: true, Background: "aurora", Clothing: "goggles", Style: "wave_engraving", Object: "rocket");
        Assert.Equal("a blue boovik character with a smile wearing a quillop, on a nimbrae background, fendrel style, with a zipplet", CaptionWriter.Write(spec));
    }

    [Fact]
    public void Captions_mention_exactly_the_concepts_of_the_spec()
    {
        var sampler = new SceneSampler(123);
        for (int i = 0; i < 400; i++)
        {
            var spec = sampler.NextMixed(0.4);
            string caption = CaptionWriter.Write(spec);
            var shown = spec.Concepts.Select(c => c.Id).ToHashSet();
            foreach (var concept in ConceptCatalog.All)
            {
                bool mentioned = Regex.IsMatch(caption, $@"\b{Regex.Escape(concept.CaptionWord)}\b");
                Assert.True(mentioned == shown.Contains(concept.Id), $"'{concept.CaptionWord}' mentioned={mentioned} but shown={shown.Contains(concept.Id)} in: {caption}");
            }
            foreach (var novel in ConceptCatalog.Novel)
                Assert.DoesNotMatch($@"\b{Regex.Escape(novel.Name)}\b", caption); // a novel concept is never described in words
            Assert.Contains($" {spec.Colour} ", caption);
            Assert.Equal(spec.Eyes, caption.Contains("with eyes"));
            Assert.Equal(spec.Smile, caption.Contains("a smile"));
        }
    }

    [Fact]
    public void Base_sampler_never_yields_novel_concepts_and_covers_every_base_concept()
    {
        var sampler = new SceneSampler(2024);
        var seen = new HashSet<string>();
        for (int i = 0; i < 3000; i++)
        {
            var spec = sampler.NextBase();
            Assert.DoesNotContain(spec.Concepts, c => c.IsNovel);
            seen.UnionWith(spec.Concepts.Select(c => c.Id));
        }
        Assert.Equal(ConceptCatalog.Base.Select(c => c.Id).Order(), seen.Order());
    }

    [Fact]
    public void Per_concept_sampler_yields_exactly_that_one_novel_concept()
    {
        foreach (var novel in ConceptCatalog.Novel)
        {
            var sampler = new SceneSampler(novel.Trigger!.Length);
            for (int i = 0; i < 100; i++)
                Assert.Equal([novel.Id], sampler.NextWith(novel).Concepts.Where(c => c.IsNovel).Select(c => c.Id));
        }
    }

    [Fact]
    public void Per_concept_sampler_refuses_base_concepts()
    {
        var error = Assert.Throws<ArgumentException>(() => new SceneSampler(1).NextWith(ConceptCatalog.Get("hat")));
        Assert.StartsWith("'hat' is a base concept", error.Message);
    }

    [Fact]
    public void Composition_holds_each_requested_novel_concept()
    {
        var wanted = new[] { "zorbly", "kronvel", "nimbrae", "kazzuk" }.Select(t => ConceptCatalog.Find(t)!).ToArray();
        var spec = new SceneSampler(3).NextComposition(wanted);
        Assert.Equal(wanted.Select(c => c.Id).Order(), spec.Concepts.Where(c => c.IsNovel).Select(c => c.Id).Order());
        Assert.Throws<ArgumentException>(() => new SceneSampler(3).NextComposition([ConceptCatalog.Get("ghost"), ConceptCatalog.Get("star_person")]));
    }

    [Fact]
    public void Catalogue_has_two_novel_concepts_per_category_with_unique_made_up_triggers()
    {
        foreach (ConceptCategory category in Enum.GetValues<ConceptCategory>())
            Assert.True(ConceptCatalog.InCategory(category).Count(c => c.IsNovel) >= 2, category.ToString());
        var triggers = ConceptCatalog.Novel.Select(c => c.Trigger!).ToArray();
        Assert.Equal(triggers.Length, triggers.Distinct().Count());
        var baseWords = ConceptCatalog.Base.SelectMany(c => c.Name.Split(' ')).Concat(ConceptCatalog.Colours.Select(c => c.Name)).ToHashSet();
        foreach (var trigger in triggers)
        {
            Assert.Matches("^[a-z]+$", trigger);
            Assert.DoesNotContain(trigger, baseWords);
            Assert.DoesNotContain(triggers, other => other != trigger && other.Contains(trigger));
        }
    }

    [Fact]
    public void Unknown_or_misplaced_concepts_are_refused()
    {
        Assert.Equal("Unknown world concept 'cube'.",
            Assert.Throws<ArgumentException>(() => new SceneSpec("cube", "red", true, false, "plain").Validate()).Message);
        Assert.Equal("'hat' is not a style concept id.",
            Assert.Throws<ArgumentException>(() => new SceneSpec("circle", "red", true, false, "plain", Style: "hat").Validate()).Message);
    }
}
