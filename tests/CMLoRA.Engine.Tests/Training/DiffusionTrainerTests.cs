using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Text;
using CMLoRA.Engine.Training;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Training;

public class DiffusionTrainerTests
{
    public DiffusionTrainerTests() => TinyTraining.OneThread();

    /// <summary>An untrained tiny VAE folder: enough to encode latents for the UNet's objective.</summary>
    internal static string WriteVae(string folder)
    {
        using var vae = new AutoencoderKL(TinyTraining.Vae with { ScalingFactor = 0.5 });
        using var generator = new TorchSharp.torch.Generator(11);
        ModelInitialization.Apply(vae, generator);
        DiffusersComponentWriter.WriteVae(folder, vae.Config, vae);
        return folder;
    }

    [Fact]
    public void LossGoesDownOnATinyDatasetAndTheRunHoldsTokenizerVaeAndLatents()
    {
        using var temp = new TempDirectory();
        string vae = WriteVae(temp.File("vae"));
        int encoded = 0;
        using var trainer = DiffusionTrainer.Start(temp.File("model"), TinyTraining.ModelOptions(vae, steps: 30), done => encoded = done);
        Assert.Equal(4, encoded);
        float[] Evaluate() => Enumerable.Range(0, 4).Select(i => trainer.EvaluateLoss(i)).ToArray();
        var before = Evaluate();
        trainer.Train();
        var after = Evaluate();
        Assert.True(after.Average() < 0.8 * before.Average(), $"loss {before.Average()} → {after.Average()}");

        var run = trainer.Run;
        var tokenizer = ClipTokenizer.Load(run.File(DiffusionTrainer.TokenizerFolder));
        var stored = run.ReadJson<DiffusionTrainingOptions>("run.json");
        Assert.Equal(tokenizer.VocabularySize, stored.TextEncoder!.VocabSize);
        Assert.Equal((tokenizer.BosId, tokenizer.EosId), ((int)stored.TextEncoder.BosTokenId, (int)stored.TextEncoder.EosTokenId));
        Assert.Equal(TinyTraining.Unet, stored.Unet);
        Assert.True(File.Exists(run.File("vae/diffusion_pytorch_model.safetensors")));
        using var latents = LatentDataset.Load(run.File(DiffusionTrainer.LatentsFile));
        Assert.Equal(new long[] { 4, 4, 16, 16 }, latents.Mean.shape);
        Assert.Equal(0.5, latents.ScalingFactor);
        Assert.All(latents.Captions, c => Assert.StartsWith("a ", c));
    }

    [Fact]
    public void StoppingAndResumingGivesTheSameLossesAndWeightsAsAnUninterruptedRun()
    {
        using var temp = new TempDirectory();
        string vae = WriteVae(temp.File("vae"));
        IEnumerable<(long, float)> straight;
        Tensor straightWeights;
        using (var trainer = DiffusionTrainer.Start(temp.File("straight"), TinyTraining.ModelOptions(vae, steps: 4)))
        {
            trainer.Train();
            straight = LossLog.Read(trainer.Run.LossesPath, long.MaxValue).Entries.Select(e => (e.Step, e.Loss)).ToList();
            straightWeights = trainer.TextEncoder.parameters().First().detach().clone();
        }

        using var stop = new CancellationTokenSource();
        using (var trainer = DiffusionTrainer.Start(temp.File("resumed"), TinyTraining.ModelOptions(vae, steps: 4)))
            trainer.Train(p => { if (p.Step == 2) stop.Cancel(); }, stop.Token);
        using (var trainer = DiffusionTrainer.Resume(temp.File("resumed")))
        {
            Assert.Equal(2, trainer.StartStep);
            trainer.Train();
            var resumed = LossLog.Read(trainer.Run.LossesPath, long.MaxValue).Entries.Select(e => (e.Step, e.Loss));
            Assert.Equal(string.Join(" ", straight), string.Join(" ", resumed));
            Assert.True(TrainingAsserts.Same(trainer.TextEncoder.parameters().First(), straightWeights));
        }
    }

    [Fact]
    public void StartingIntoAFolderThatHoldsARunIsRefused()
    {
        using var temp = new TempDirectory();
        string vae = WriteVae(temp.File("vae"));
        using (DiffusionTrainer.Start(temp.File("model"), TinyTraining.ModelOptions(vae, steps: 1) with { DatasetSize = 1 })) { }
        var error = Assert.Throws<InvalidOperationException>(() => DiffusionTrainer.Start(temp.File("model"), TinyTraining.ModelOptions(vae, steps: 1)));
        Assert.Equal($"{temp.File("model")} already holds a run; resume it (--resume) or choose another folder", error.Message);
        string tokenizer = temp.File("model/tokenizer");
        var missing = Assert.Throws<InvalidOperationException>(() => DiffusionTrainer.ResolveVaeFolder(tokenizer));
        Assert.StartsWith($"no VAE at '{tokenizer}'", missing.Message);
    }
}
