namespace CMLoRA.Engine.Recipes;

/// <summary>A recipe JSON document, infotext or PNG that cannot be read; the message says why in plain words.</summary>
public sealed class RecipeFormatException : FormatException
{
    public RecipeFormatException(string message) : base(message) { }

    public RecipeFormatException(string message, Exception inner) : base(message, inner) { }
}
