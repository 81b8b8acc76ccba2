using CMLoRA.Engine.Adapters;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Training;
using CMLoRA.Engine.World;

namespace CMLoRA.Engine.Tests.Training;

[Collection(TinyBuiltInModelCollection.Name)]
public class LoraTrainerTests
{
    private readonly TinyBuiltInModelFixture model;

    public LoraTrainerTests(TinyBuiltInModelFixture model)
    {
        TinyTraining.OneThread();
        this.model = model;
    }

    private LoraTrainingOptions Options(string output) => new()
    {
        ModelPath = model.ModelFolder,
        OutputPath = output,
        Rank = 4,
        Steps = 25,
        BatchSize = 4,
        Images = 8,
        LearningRate = 5e-3,
        WarmupSteps = 0,
        Cosine = false,
    };

    [Fact]
    public void AConceptLoraLearnsLoadsResolvesFullyAndChangesTheImage()
    {
        string output = model.TempFile("zorbly.safetensors");
        using var trainer = LoraTrainer.Start(model.TempFile("zorbly-run"), Options(output) with { Concept = "zorbly" });
        float[] Evaluate() => Enumerable.Range(0, 4).Select(i => trainer.EvaluateLoss(i)).ToArray();
        var before = Evaluate();
        var result = trainer.Train();
        var after = Evaluate();
        Assert.True(after.Average() < before.Average(), $"loss {before.Average()} → {after.Average()}");
        Assert.Equal(8, trainer.ImageCount);
        string path = trainer.Save(result);

        // The file: kohya keys for every trained layer, alpha, metadata with the trigger word.
        using var lora = LoraFile.Open(path);
        Assert.Equal(LoraNaming.Kohya, lora.Naming);
        Assert.Equal(trainer.Network.Layers.Count, lora.Modules.Count);
        Assert.Contains(lora.Modules, m => m.Component == LoraComponent.TextEncoder);
        Assert.All(lora.Modules, m => Assert.Equal(1.0, m.Scale, 6));
        var metadata = lora.Metadata;
        Assert.Equal(("zorbly", "4", "4", "cmlora-builtin", "networks.lora"),
            (metadata.OutputName, metadata.NetworkDim, metadata.NetworkAlpha, metadata.BaseModelVersion, metadata.NetworkModule));
        Assert.Equal((8, 25), (metadata.TrainImages, metadata.Steps));
        Assert.Equal("zorbly", metadata.SuggestedTriggerWords[0]);
        Assert.Equal("zorbly", metadata.TagFrequency[0].Tag);
        Assert.True(lora.BaseModel.IsSd1Compatible);

        // Runtime adapters resolve every module of the file on the exported model.
        var generator = model.Generator;
        using (var unetAdapters = new LoraAdapterSet(generator.UNet))
        using (var textAdapters = new LoraAdapterSet(generator.TextEncoder))
        {
            LoraAttachment.Attach(lora, generator.UNet, unetAdapters, generator.TextEncoder, textAdapters);
            Assert.Equal(lora.Modules.Count, unetAdapters.LayerCount(0) + textAdapters.LayerCount(0));
        }

        // Generating with it differs from generating without.
        var request = new TextToImageRequest(64, 64, Steps: 2, GuidanceScale: 5, Seed: 4);
        var plain = generator.Generate(new GenerationJob("a red zorbly character", "", [], CompositionMethod.None, null, request));
        var withLora = generator.Generate(new GenerationJob("a red zorbly character", "", [new LoraRequest(path)], CompositionMethod.Merge, null, request));
        Assert.NotEqual(plain.Png, withLora.Png);
    }

    [Fact]
    public void AFolderOfCaptionedPicturesTrainsAndTheRunResumes()
    {
        string data = model.TempFile("bolt-pictures");
        DatasetWriter.Write(data, 4, seed: 8, ConceptCatalog.Find("kazzuk"));
        string output = model.TempFile("bolt.safetensors");
        string run = model.TempFile("bolt-run");
        var options = Options(output) with { DataPath = data, Trigger = "kazzuk", Steps = 3, TrainTextEncoder = false, HalfPrecision = true };
        using var stop = new CancellationTokenSource();
        using (var trainer = LoraTrainer.Start(run, options))
        {
            Assert.Equal(4, trainer.ImageCount);
            Assert.True(trainer.Train(p => { if (p.Step == 1) stop.Cancel(); }, stop.Token).Cancelled);
        }
        using (var trainer = LoraTrainer.Resume(run))
        {
            Assert.Equal(1, trainer.StartStep);
            var result = trainer.Train();
            Assert.Equal(3, result.FinalStep);
            trainer.Save(result);
            // A resumed run extended to more steps can be written elsewhere, keeping the shorter run's file.
            string elsewhere = model.TempFile("bolt-3-steps.safetensors");
            Assert.Equal(elsewhere, trainer.Save(result, elsewhere));
            using var first = LoraFile.Open(output);
            using var second = LoraFile.Open(elsewhere);
            Assert.Equal(first.Modules.Select(m => m.Target.Name), second.Modules.Select(m => m.Target.Name));
            Assert.Equal(new FileInfo(output).Length, new FileInfo(elsewhere).Length);
        }
        using var lora = LoraFile.Open(output);
        Assert.DoesNotContain(lora.Modules, m => m.Component == LoraComponent.TextEncoder);
        Assert.Equal("kazzuk", lora.Metadata.DeclaredTriggerWords.Single());
        Assert.Equal("fp16", lora.Metadata.Raw["ss_save_precision"]);
    }

    [Fact]
    public void NeitherOrBothDataSourcesAndUnknownConceptsAreRefused()
    {
        string output = model.TempFile("x.safetensors");
        var neither = Assert.Throws<ArgumentException>(() => LoraTrainer.Start(model.TempFile("x-run"), Options(output)));
        Assert.Equal("give either a folder of captioned pictures or a world concept, not both and not neither", neither.Message);
        var baseConcept = Assert.Throws<ArgumentException>(() => LoraTrainer.Start(model.TempFile("y-run"), Options(output) with { Concept = "circle" }));
        Assert.StartsWith("'circle' is not a novel world concept; trigger words: boovik, zorbly", baseConcept.Message);
    }
}
