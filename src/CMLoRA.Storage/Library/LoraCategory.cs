namespace CMLoRA.Storage.Library;

/// <summary>What a LoRA adds to an image; CMLoRA's composition treats the kinds differently.</summary>
public enum LoraCategory
{
    Other = 0,
    Character = 1,
    Clothing = 2,
    Style = 3,
    Background = 4,
    Object = 5,
}
