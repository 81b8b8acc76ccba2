using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Training;

/// <summary>
/// The captions the built-in tokenizer is learned from: base scenes (the base model's training captions) and scenes
/// with each novel concept (so every trigger word gets its own token before any LoRA is trained).
/// </summary>
public static class WorldCaptionCorpus
{
    /// <summary>
    /// <paramref name="baseCount"/> base captions, then <paramref name="perNovelConcept"/> captions for every novel
    /// concept, all from the dataset items of <paramref name="seed"/>.
    /// </summary>
    public static IEnumerable<string> Captions(long seed, int baseCount = 4096, int perNovelConcept = 64)
    {
        for (int i = 0; i < baseCount; i++)
            yield return CaptionWriter.Write(DatasetWriter.Item(seed, i).Spec);
        foreach (var concept in ConceptCatalog.Novel)
            for (int i = 0; i < perNovelConcept; i++)
                yield return CaptionWriter.Write(DatasetWriter.Item(seed, i, concept).Spec);
    }
}
