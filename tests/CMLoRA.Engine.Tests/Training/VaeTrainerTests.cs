using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Training;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Training;

public class VaeTrainerTests
{
    public VaeTrainerTests() => TinyTraining.OneThread();

    [Fact]
    public void LossGoesDownOnATinyFixedBatchAndTheRunFolderIsComplete()
    {
        using var temp = new TempDirectory();
        using var trainer = VaeTrainer.Start(temp.File("vae"), TinyTraining.VaeOptions(steps: 20));
        float before = trainer.EvaluateLoss(0);
        var result = trainer.Train();
        float after = trainer.EvaluateLoss(0);

        Assert.True(after < 0.7f * before, $"loss {before} → {after}");
        Assert.Equal((0L, 20L, false), (result.StartStep, result.FinalStep, result.Cancelled));
        Assert.True(result.Completed);
        var run = trainer.Run;
        Assert.Equal(20, File.ReadAllLines(run.LossesPath).Length - 1);
        Assert.StartsWith("<svg", File.ReadAllText(run.PlotPath));
        Assert.Equal(20, run.LatestCheckpoint()!.Value.Step);
        var state = TrainingCheckpoint.ReadState(run.LatestCheckpoint()!.Value.Folder);
        Assert.Equal(("vae", 20L, 1L), (state.Kind, state.Step, state.Seed));
    }

    [Fact]
    public void StoppingAndResumingGivesTheSameLossesAndWeightsAsAnUninterruptedRun()
    {
        using var temp = new TempDirectory();
        LossLog straight;
        Tensor straightWeights;
        using (var trainer = VaeTrainer.Start(temp.File("straight"), TinyTraining.VaeOptions(steps: 4)))
        {
            trainer.Train();
            straight = LossLog.Read(trainer.Run.LossesPath, long.MaxValue);
            straightWeights = trainer.Vae.parameters().Last().detach().clone();
        }

        using var stop = new CancellationTokenSource();
        using (var trainer = VaeTrainer.Start(temp.File("resumed"), TinyTraining.VaeOptions(steps: 4)))
        {
            var first = trainer.Train(p => { if (p.Step == 2) stop.Cancel(); }, stop.Token);
            Assert.Equal((2L, true), (first.FinalStep, first.Cancelled));
        }
        using (var trainer = VaeTrainer.Resume(temp.File("resumed")))
        {
            Assert.Equal(2, trainer.StartStep);
            var second = trainer.Train();
            Assert.Equal((2L, 4L), (second.StartStep, second.FinalStep));
            var resumed = LossLog.Read(trainer.Run.LossesPath, long.MaxValue);
            Assert.Equal(string.Join(" ", straight.Entries.Select(e => (e.Step, e.Loss))), string.Join(" ", resumed.Entries.Select(e => (e.Step, e.Loss))));
            Assert.True(TrainingAsserts.Same(trainer.Vae.parameters().Last(), straightWeights));
        }
    }

    [Fact]
    public void ExportWritesADiffusersVaeWhoseScalingFactorMakesLatentsUnitStd()
    {
        using var temp = new TempDirectory();
        using var trainer = VaeTrainer.Start(temp.File("vae"), TinyTraining.VaeOptions(steps: 2) with { ScalingSamples = 64 });
        trainer.Train();
        string folder = trainer.Export();

        using var loaded = AutoencoderKL.FromDiffusersFolder(folder);
        Assert.Equal(4, loaded.SpatialScale);
        foreach (var ((name, a), (_, b)) in trainer.Vae.named_parameters().Zip(loaded.named_parameters()))
            Assert.True(TrainingAsserts.Same(a, b), name);
        double scaling = loaded.ScalingFactor;
        Assert.True(double.IsFinite(scaling) && scaling > 0);

        // Other pictures, other noise: the scaled latents' std is close to 1.
        double check = VaeTrainer.MeasureScalingFactor(loaded, seed: 99, count: 64);
        Assert.True(check / scaling is > 0.8 and < 1.25, $"{check} vs {scaling}");
    }
}
