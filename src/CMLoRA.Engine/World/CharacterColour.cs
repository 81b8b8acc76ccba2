namespace CMLoRA.Engine.World;

/// <summary>A named body colour of the character (linear 0..1 RGB before jitter).</summary>
public sealed record CharacterColour(string Name, float R, float G, float B);
