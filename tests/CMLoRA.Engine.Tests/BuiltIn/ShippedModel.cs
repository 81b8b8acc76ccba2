using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.BuiltIn;

/// <summary>The committed built-in model (models/builtin), its demo LoRAs and the concept classifier, loaded once.</summary>
public sealed class ShippedModel : IDisposable
{
    public const string Name = "shipped built-in model";
    public const string SingleFileName = "cmlora-builtin.safetensors";

    public static string Folder => Path.Combine(RepoPaths.Root, "models", "builtin");

    public ShippedModel()
    {
        Assert.True(File.Exists(Path.Combine(Folder, "model_index.json")), $"the built-in model is missing from {Folder}");
        Generator = StableDiffusionGenerator.Load(Folder);
        Classifier = ConceptClassifier.LoadBuiltIn();
    }

    public StableDiffusionGenerator Generator { get; }

    public ConceptClassifier Classifier { get; }

    /// <summary>The demo LoRA of <paramref name="trigger"/> at weight 1 with its concept's category.</summary>
    public LoraRequest Lora(string trigger)
    {
        var concept = ConceptCatalog.Find(trigger) ?? throw new ArgumentException($"no world concept has the trigger '{trigger}'");
        return new LoraRequest(Path.Combine(Folder, "loras", trigger + ".safetensors"), 1f, QualityLora.ToLoraCategory(concept.Category));
    }

    public void Dispose() => Generator.Dispose();
}

[CollectionDefinition(ShippedModel.Name)]
public sealed class ShippedModelCollection : ICollectionFixture<ShippedModel>;
