using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;
using CMLoRA.Engine.Sampling;

namespace CMLoRA.Engine.Tests.Recipes;

public class RecipeImportTests
{
    [Fact]
    public void OurRecipeChunkIsPreferredOverTheInfotext()
    {
        var recipe = RecipeSamples.TwoLoras();
        byte[] png = PngMetadata.Embed(PngBytes.Small(), "something else\nSteps: 1, Seed: 2, Size: 8x8", RecipeJson.Serialize(recipe));
        var imported = RecipeImport.FromPng(png);
        Assert.Equal(RecipeSource.RecipeJson, imported.Source);
        Assert.True(imported.IsComplete);
        Assert.Equal(RecipeJson.Serialize(recipe), RecipeJson.Serialize(imported.Recipe));
        Assert.Empty(imported.Unmapped);
    }

    [Fact]
    public void ACorruptRecipeChunkFallsBackToTheInfotextWithAWarning()
    {
        byte[] png = PngMetadata.Embed(PngBytes.Small(), Infotext.Format(RecipeSamples.TwoLoras()), "{\"model\":");
        var imported = RecipeImport.FromPng(png);
        Assert.Equal(RecipeSource.Infotext, imported.Source);
        Assert.StartsWith("The cmlora-recipe chunk could not be read (The recipe is not valid:", Assert.Single(imported.Warnings));
    }

    [Fact]
    public void OurOwnInfotextAloneRestoresEverythingButHashesCategoriesAndRuntime()
    {
        var recipe = RecipeSamples.TwoLoras();
        var imported = RecipeImport.FromInfotext(Infotext.Format(recipe));
        var r = imported.Recipe;
        Assert.Empty(imported.Unmapped);
        Assert.Equal(recipe.Prompt, r.Prompt);
        Assert.Equal(recipe.NegativePrompt, r.NegativePrompt);
        Assert.Equal(["Alice", "garden night"], r.Loras.Select(l => l.Name));
        Assert.Equal([0.8f, 0.55f], r.Loras.Select(l => l.Weight));
        Assert.Equal(RecipeSamples.AliceV3[..12], r.Loras[0].AutoV3);
        Assert.Equal(RecipeSamples.GardenSha[..10], r.Loras[1].AutoV2);
        Assert.Equal(recipe.Options, r.Options);
        Assert.Equal(["Alice", "garden night"], r.ScheduleOrder);
        Assert.Equal((CompositionMethod.CmLora, "dpmpp2m", true, TimestepSpacing.Linspace), (r.Method, r.Sampler, r.Karras, r.TimestepSpacing));
        Assert.Equal((25, 7.5, 512, 768, 3141592653L, 2, LatentNoise.RngSource, "1.2.3"),
            (r.Steps, r.CfgScale, r.Width, r.Height, r.Seed, r.ClipSkip, r.Rng, r.EngineVersion));
        Assert.Equal(new ModelIdentity("v1-5-pruned-emaonly", null, null, RecipeSamples.ModelSha[..10]), r.Model);
    }

    [Fact]
    public void AnA1111ImageMapsToAPartialMergeRecipeListingWhatIsMissing()
    {
        string text =
            "masterpiece, best quality, 1girl, <lora:add_detail:0.5>, <lora:koreanDollLikeness_v15:0.66>\n" +
            "smiling\n" +
            "Negative prompt: (worst quality:2), easynegative\n" +
            "Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1931430389, Size: 512x768, Model hash: 6ce0161689, " +
            "Model: v1-5-pruned-emaonly, Denoising strength: 0.45, Clip skip: 2, Hires upscale: 2, " +
            "Lora hashes: \"add_detail: 7c6bad76eb54, koreanDollLikeness_v15: 6b5f8e5c5f1a\", VAE hash: 735e4c3a44, VAE: vae-ft-mse, Version: v1.10.1";
        var imported = RecipeImport.FromPng(PngMetadata.Embed(PngBytes.Small(), text, null));
        var r = imported.Recipe;

        Assert.Equal(RecipeSource.Infotext, imported.Source);
        Assert.False(imported.IsComplete);
        Assert.Equal("masterpiece, best quality, 1girl,\nsmiling", r.Prompt);
        Assert.Equal("(worst quality:2), easynegative", r.NegativePrompt);
        Assert.Equal([("add_detail", 0.5f, "7c6bad76eb54"), ("koreanDollLikeness_v15", 0.66f, "6b5f8e5c5f1a")],
            r.Loras.Select(l => (l.Name, l.Weight, l.AutoV3!)));
        Assert.Equal((CompositionMethod.Merge, "dpmpp2m", true, 28, 7.0, 1931430389L, 512, 768, 2),
            (r.Method, r.Sampler, r.Karras, r.Steps, r.CfgScale, r.Seed, r.Width, r.Height, r.ClipSkip));
        Assert.Equal(new MergeOptions(), r.Options);
        Assert.Equal("6ce0161689", r.Model.AutoV2);
        Assert.Equal("unknown", r.Rng);
        Assert.Null(r.EngineVersion);
        Assert.Equal(
        [
            ("RNG", "(not recorded)"), ("Composition", "(not recorded)"), ("Denoising strength", "0.45"), ("Hires upscale", "2"),
            ("VAE hash", "735e4c3a44"), ("VAE", "vae-ft-mse"),
        ], imported.Unmapped.Select(u => (u.Key, u.Value)));
        Assert.Equal("A VAE override is not restored; the model's own VAE is used.", imported.Unmapped.Single(u => u.Key == "VAE").Reason);
    }

    [Fact]
    public void OldSamplerSpellingAndAutoV1ModelHashAndUnknownSampler()
    {
        var a = RecipeImport.FromInfotext("cat\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: a9263745, RNG: CPU");
        Assert.Equal(("dpmpp2m", true, LatentNoise.RngSource), (a.Recipe.Sampler, a.Recipe.Karras, a.Recipe.Rng));
        var hash = Assert.Single(a.Unmapped);
        Assert.Equal(("Model hash", "a9263745"), (hash.Key, hash.Value));
        Assert.StartsWith("A1111's old 8-hex model hash (AutoV1)", hash.Reason);

        var b = RecipeImport.FromInfotext("cat\nSteps: 30, Sampler: DPM++ SDE, Schedule type: Exponential, CFG scale: 4, Seed: 1, Size: 896x1152, RNG: GPU");
        Assert.Equal(("dpmpp2m", false, "a1111-gpu"), (b.Recipe.Sampler, b.Recipe.Karras, b.Recipe.Rng));
        Assert.Equal(["Sampler", "Schedule type", "RNG"], b.Unmapped.Select(u => u.Key));
    }

    [Fact]
    public void FooocusLoraHashesWithoutPromptTagsAddLorasAtWeightOne()
    {
        var imported = RecipeImport.FromInfotext(
            "1girl, solo\nNegative prompt: bad hands\nSteps: 30, Sampler: Euler, CFG scale: 4, Seed: 12345, Size: 896x1152, " +
            "Lora hashes: \"sd_xl_offset_example-lora_1.0: 4852686128\", Fooocus V2 Expansion: \"1girl, solo, intricate\", Version: Fooocus v2.1.865, RNG: CPU");
        var lora = Assert.Single(imported.Recipe.Loras);
        Assert.Equal(("sd_xl_offset_example-lora_1.0", 1f, "4852686128", null), (lora.Name, lora.Weight, lora.AutoV2, lora.AutoV3));
        Assert.Equal("1girl, solo", imported.Recipe.Prompt);
        Assert.Equal(
            [("Lora hashes", "sd_xl_offset_example-lora_1.0: 4852686128"), ("Composition", "(not recorded)"), ("Fooocus V2 Expansion", "1girl, solo, intricate")],
            imported.Unmapped.Select(u => (u.Key, u.Value)));
    }

    [Fact]
    public void ATagWithASeparateUNetWeightIsNoted()
    {
        var imported = RecipeImport.FromInfotext("<lora:x:0.7:0.3> cat\nSteps: 2, Seed: 3, Size: 8x8, RNG: CPU, Composition: Switch");
        Assert.Equal("cat", imported.Recipe.Prompt);
        Assert.Equal(0.7f, Assert.Single(imported.Recipe.Loras).Weight);
        Assert.Equal(CompositionMethod.Switch, imported.Recipe.Method);
        Assert.Equal(new SwitchOptions(), imported.Recipe.Options);
        var note = Assert.Single(imported.Unmapped);
        Assert.Equal(("LoRA tag", "<lora:x:0.7:0.3>"), (note.Key, note.Value));
    }

    [Fact]
    public void PromptOnlyTextImportsThePromptWithAWarning()
    {
        var imported = RecipeImport.FromInfotext("only a prompt");
        Assert.Equal("only a prompt", imported.Recipe.Prompt);
        Assert.Equal((20, 512, 512), (imported.Recipe.Steps, imported.Recipe.Width, imported.Recipe.Height));
        Assert.StartsWith("The infotext has no parameter line", Assert.Single(imported.Warnings));
    }

    [Theory]
    [InlineData("workflow", "The PNG carries a ComfyUI workflow, not generation parameters this studio can read (no 'parameters' infotext).")]
    [InlineData("invokeai_metadata", "The PNG carries InvokeAI metadata, not generation parameters this studio can read (no 'parameters' infotext).")]
    [InlineData("Software", "The PNG carries no generation parameters (no 'parameters' or 'cmlora-recipe' text chunk).")]
    public void PngsWithoutParametersAreRefusedNamingTheTool(string keyword, string message)
    {
        byte[] png = PngBytes.Insert(PngBytes.Small(), "tEXt", PngBytes.Text(keyword, "{}"));
        Assert.Equal(message, Assert.Throws<RecipeFormatException>(() => RecipeImport.FromPng(png)).Message);
    }

    [Fact]
    public void FooocusJsonParametersAreRefused()
    {
        byte[] png = PngMetadata.Embed(PngBytes.Small(), "{\"prompt\": \"x\"}", null);
        Assert.StartsWith("The PNG's 'parameters' chunk holds JSON (Fooocus' own metadata scheme)",
            Assert.Throws<RecipeFormatException>(() => RecipeImport.FromPng(png)).Message);
    }
}
