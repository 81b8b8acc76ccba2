using System.Text.Json.Nodes;
using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Pipelines;
using CMLoRA.Engine.Sampling;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Training;
using SixLabors.ImageSharp;

namespace CMLoRA.Engine.Tests.Training;

[Collection(TinyBuiltInModelCollection.Name)]
public class BuiltInModelExporterTests(TinyBuiltInModelFixture model)
{
    [Fact]
    public void TheExportedFolderGeneratesA64x64PictureInTwoSteps()
    {
        var generator = model.Generator;
        Assert.Equal(4, generator.VaeScaleFactor);
        Assert.Equal(64, generator.UNet.Config.SampleSize * generator.VaeScaleFactor);
        var job = new GenerationJob("a red circle character with eyes, on a sunset background", "", [], CompositionMethod.None, null,
            new TextToImageRequest(64, 64, Steps: 2, GuidanceScale: 5, Seed: 3));
        var output = generator.Generate(job);
        using var image = Image.Load(output.Png);
        Assert.Equal((64, 64), (image.Width, image.Height));
        Assert.Equal(new long[] { 1, 4, 16, 16 }, output.Parameters.Noise.Shape);
        Assert.Equal(("DPMSolverMultistepScheduler", "dpmsolver++"), (generator.Scheduler.ClassName, generator.Scheduler.AlgorithmType));
    }

    [Fact]
    public void TheFolderHasTheDiffusersLayoutAndTheSd15Schedule()
    {
        string root = model.ModelFolder;
        var folder = DiffusersFolder.Open(root);
        Assert.Equal(["scheduler", "text_encoder", "tokenizer", "unet", "vae"], folder.Components.Keys.Order());
        Assert.True(File.Exists(Path.Combine(root, "unet", "diffusion_pytorch_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(root, "vae", "diffusion_pytorch_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(root, "text_encoder", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(root, "tokenizer", "merges.txt")));

        var scheduler = SchedulerConfig.Load(Path.Combine(root, "scheduler", "scheduler_config.json"));
        Assert.Equal(("DPMSolverMultistepScheduler", 0.00085, 0.012, BetaSchedule.ScaledLinear, 1000, 1),
            (scheduler.ClassName, scheduler.BetaStart, scheduler.BetaEnd, scheduler.BetaSchedule, scheduler.NumTrainTimesteps, scheduler.StepsOffset));
        var unet = UNetConfig.Load(Path.Combine(root, "unet", "config.json"));
        Assert.Equal(TinyTraining.Unet, unet);
        var unetJson = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "unet", "config.json")))!.AsObject();
        Assert.Equal("UNet2DConditionModel", (string?)unetJson["_class_name"]);
        Assert.False(unetJson.ContainsKey("heads_per_block"));
        var text = ClipTextConfig.FromFile(Path.Combine(root, "text_encoder", "config.json"));
        Assert.Equal(model.Generator.TextEncoder.Config, text);
        string card = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains("cmlora train model --run runs/model --vae runs/vae --steps 2 --batch 4 --seed 2", card);
        Assert.Contains("| VAE (L1 + L2 + 1e-6·KL) | 2 | 2 | 1 |", card);
        Assert.Equal(model.Export.UnetParameters, model.Generator.UNet.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void TheSingleFileLoadsIdenticallyToTheFolder()
    {
        string single = model.Export.SingleFile!;
        using var file = SafetensorsFile.Open(single);
        var unetConfig = UNetConfig.FromJson(file.Metadata[BuiltInModelExporter.UnetConfigKey]);
        var vaeConfig = VaeConfig.FromJson(file.Metadata[BuiltInModelExporter.VaeConfigKey]);
        var textConfig = ClipTextConfig.FromJson(file.Metadata[BuiltInModelExporter.TextEncoderConfigKey]);
        Assert.All(file.Names, n => Assert.Matches(@"^(model\.diffusion_model|first_stage_model|cond_stage_model\.transformer)\.", n));

        using var fromFile = StableDiffusionCheckpoint.Load(single, new StableDiffusionLoadOptions
        {
            TextEncoderConfig = textConfig,
            UnetFactory = _ => new UNet2DConditionModel(unetConfig),
            VaeFactory = _ => new AutoencoderKL(vaeConfig),
        });
        using var fromFolder = StableDiffusionCheckpoint.Load(model.ModelFolder);
        Assert.Equal("", string.Join(", ", fromFile.UnknownKeys));
        foreach (var (a, b) in new[] { (fromFile.Unet!, fromFolder.Unet!), (fromFile.Vae!, fromFolder.Vae!), ((TorchSharp.torch.nn.Module)fromFile.TextEncoder, fromFolder.TextEncoder) })
        {
            var expected = b.state_dict();
            foreach (var (name, tensor) in a.state_dict())
                Assert.True(TrainingAsserts.Same(tensor, expected[name]), name);
        }
        Assert.Equal(vaeConfig.ScalingFactor, fromFolder.RequireVae().ScalingFactor);
    }

    [Fact]
    public void TheSingleFileCarriesTheFoldersTokenizerAndSchedulerAndLoadsWithoutOptions()
    {
        string single = model.Export.SingleFile!;
        using (var file = SafetensorsFile.Open(single))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(model.ModelFolder, "tokenizer", "vocab.json")), file.Metadata[SingleFileMetadata.TokenizerVocabKey]);
            Assert.Equal(File.ReadAllText(Path.Combine(model.ModelFolder, "tokenizer", "merges.txt")), file.Metadata[SingleFileMetadata.TokenizerMergesKey]);
        }

        using var fromFile = StableDiffusionCheckpoint.Load(single);
        Assert.Equal(model.Generator.TextEncoder.Config, fromFile.TextEncoder.Config);
        Assert.Equal(model.Generator.UNet.Config, fromFile.RequireUnet().Config);
        Assert.Equal(fromFile.TextEncoder.Config.VocabSize, fromFile.Tokenizer!.VocabularySize);
        Assert.Equal(model.Generator.Scheduler, SchedulerConfig.Parse(fromFile.SchedulerConfig!.ToJsonString()));
    }
}
