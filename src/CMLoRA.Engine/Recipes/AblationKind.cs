namespace CMLoRA.Engine.Recipes;

/// <summary>The rows of an ablation grid.</summary>
public enum AblationKind
{
    /// <summary>Row 0: the base model without LoRAs, then every method with all the recipe's LoRAs.</summary>
    Method,

    /// <summary>Row 1: the recipe's method with one LoRA left out, one column per LoRA in the user's order.</summary>
    LeaveOneOut,
}
