using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Recipes;

/// <summary>
/// The JSON form of a <see cref="GenerationRecipe"/> (docs/recipes.md): camelCase properties, enums as lowercase
/// strings, composition options with a "method" discriminator. Unknown properties are ignored so that newer writers
/// stay readable; values that would change the image when guessed (unknown methods, refresh kinds) are errors.
/// </summary>
public static class RecipeJson
{
    /// <summary>Longest recipe document accepted (characters); a real one is a few kilobytes.</summary>
    public const int MaxLength = 1 << 20;

    private static readonly JsonSerializerOptions Compact = CreateOptions(indented: false);
    private static readonly JsonSerializerOptions Indented = CreateOptions(indented: true);

    /// <summary>The recipe as JSON.</summary>
    public static string Serialize(GenerationRecipe recipe, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return JsonSerializer.Serialize(recipe, indented ? Indented : Compact);
    }

    /// <summary>Reads a recipe; throws <see cref="RecipeFormatException"/> with the reason when it is not one.</summary>
    public static GenerationRecipe Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxLength)
            throw new RecipeFormatException($"The recipe is {json.Length} characters long; at most {MaxLength} are accepted.");
        GenerationRecipe? recipe;
        try
        {
            recipe = JsonSerializer.Deserialize<GenerationRecipe>(json, Compact);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            throw new RecipeFormatException($"The recipe is not valid: {e.Message}", e);
        }
        if (recipe is null) throw new RecipeFormatException("The recipe is empty (JSON null).");
        Check(recipe);
        return recipe;
    }

    /// <summary>Like <see cref="Parse"/>, returning false and the reason instead of throwing.</summary>
    public static bool TryParse(string json, out GenerationRecipe? recipe, out string? error)
    {
        try
        {
            recipe = Parse(json);
            error = null;
            return true;
        }
        catch (RecipeFormatException e)
        {
            recipe = null;
            error = e.Message;
            return false;
        }
    }

    // Values the serializer accepts but no image could have been made from.
    private static void Check(GenerationRecipe recipe)
    {
        if (recipe.Model is null || string.IsNullOrWhiteSpace(recipe.Model.Name)) throw new RecipeFormatException("The recipe has no model name.");
        if (recipe.Loras is null || recipe.ScheduleOrder is null) throw new RecipeFormatException("The recipe's LoRA lists must not be null.");
        if (recipe.Prompt is null || recipe.NegativePrompt is null || recipe.Sampler is null || recipe.Rng is null)
            throw new RecipeFormatException("The recipe's prompt, negative prompt, sampler and rng must not be null.");
        foreach (var lora in recipe.Loras)
        {
            if (lora is null || string.IsNullOrWhiteSpace(lora.Name)) throw new RecipeFormatException("A LoRA of the recipe has no name.");
            if (!float.IsFinite(lora.Weight)) throw new RecipeFormatException($"LoRA '{lora.Name}' has a weight that is not a number.");
        }
        var duplicate = recipe.Loras.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new RecipeFormatException($"LoRA '{duplicate.Key}' is listed twice in the recipe.");
        if (recipe.Steps < 1 || recipe.Width < 1 || recipe.Height < 1)
            throw new RecipeFormatException($"The recipe's steps and size must be positive (got {recipe.Steps} steps, {recipe.Width}x{recipe.Height}).");
    }

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = indented,
            // Prompts in any script stay readable in the PNG chunk; the JSON string escaping still covers quotes and controls.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            MaxDepth = 16,
        };
        options.Converters.Add(new CompositionMethodJsonConverter());
        options.Converters.Add(new CompositionOptionsJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return options;
    }
}
