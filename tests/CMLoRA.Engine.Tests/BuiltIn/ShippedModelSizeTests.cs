using CMLoRA.Engine.Profiling;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.BuiltIn;

/// <summary>
/// The built-in model's VAE halves the side twice (×4), not three times like SD's (×8): every consumer of the native
/// size must ask the generator, or it renders out of distribution (profiles were once made at 128×128).
/// </summary>
[Collection(ShippedModel.Name)]
public class ShippedModelSizeTests(ShippedModel shipped)
{
    [Fact]
    public void NativeSizeIsSixtyFourForTheGeneratorAndTheProfiler()
    {
        Assert.Equal((4, 64), (shipped.Generator.VaeScaleFactor, shipped.Generator.NativeSize));
        Assert.Equal(64, new GeneratorProfileSource(shipped.Generator).NativeSize);
    }

    [Fact]
    public void ShippedProfileSidecarsWereMadeAtTheNativeSize()
    {
        var loras = Directory.GetFiles(Path.Combine(ShippedModel.Folder, "loras"), "*.safetensors").Order().ToArray();
        Assert.Equal(10, loras.Length);
        foreach (string lora in loras)
        {
            var profile = LoraProfileSidecar.TryRead(lora, out string? problem);
            Assert.True(profile is not null, $"{Path.GetFileName(lora)}: {problem}");
            Assert.Equal(64, profile!.Size);
        }
    }
}
