using System.Text;

namespace CMLoRA.Engine.World;

/// <summary>
/// Turns a spec into a caption such as "a red circle character with eyes wearing a hat, on a sunset background,
/// crosshatch style, with a moon". Novel concepts appear only as their trigger word.
/// </summary>
public static class CaptionWriter
{
    /// <summary>The caption of <paramref name="spec"/>; the same spec always gives the same caption.</summary>
    public static string Write(SceneSpec spec)
    {
        spec.Validate();
        var text = new StringBuilder();
        text.Append("a ").Append(spec.Colour).Append(' ').Append(ConceptCatalog.Get(spec.Character).CaptionWord).Append(" character");

        if (spec.Eyes && spec.Smile) text.Append(" with eyes and a smile");
        else if (spec.Eyes) text.Append(" with eyes");
        else if (spec.Smile) text.Append(" with a smile");

        if (spec.Clothing is { } clothingId)
            text.Append(" wearing ").Append(ClothingPhrase(ConceptCatalog.Get(clothingId)));

        text.Append(", on a ").Append(ConceptCatalog.Get(spec.Background).CaptionWord).Append(" background");

        if (spec.Style is { } styleId)
            text.Append(", ").Append(ConceptCatalog.Get(styleId).CaptionWord).Append(" style");

        if (spec.Object is { } objectId)
            text.Append(", with a ").Append(ConceptCatalog.Get(objectId).CaptionWord);

        return text.ToString();
    }

    // Plural clothing words read without an article ("wearing stripes"); everything else takes "a".
    private static string ClothingPhrase(Concept clothing) =>
        clothing.Id is "stripes" or "dots" ? clothing.CaptionWord : "a " + clothing.CaptionWord;
}
