using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Benchmarks.Quality;

/// <summary>
/// Builds the prompt of a combination in the caption grammar the built-in model was trained on
/// (<see cref="CaptionWriter"/>): each requested concept in its category slot, written as its trigger word, and fixed
/// base words in the required slots nobody asked for (a red circle character with eyes, a plain background).
/// Optional slots stay empty so the prompt asks for nothing the classifier is not scoring.
/// </summary>
public static class QualityPrompt
{
    /// <summary>The scene the base words describe before any requested concept is put in.</summary>
    public static SceneSpec BaseScene { get; } = new("circle", "red", Eyes: true, Smile: false, Background: "plain");

    /// <summary>The scene that shows exactly <paramref name="concepts"/> (at most one per category) over <see cref="BaseScene"/>.</summary>
    public static SceneSpec Scene(IReadOnlyList<Concept> concepts)
    {
        var duplicate = concepts.GroupBy(c => c.Category).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"A combination holds at most one concept per category; {string.Join(" and ", duplicate.Select(c => c.CaptionWord))} are both {duplicate.Key.ToString().ToLowerInvariant()}.");
        var spec = BaseScene;
        foreach (var concept in concepts) spec = spec.With(concept);
        return spec;
    }

    /// <summary>The caption of <see cref="Scene"/>, e.g. "a red boovik character with eyes wearing a kronvel, on a nimbrae background, vashtor style".</summary>
    public static string Build(IReadOnlyList<Concept> concepts) => CaptionWriter.Write(Scene(concepts));
}
