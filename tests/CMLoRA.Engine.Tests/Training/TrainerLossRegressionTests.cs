using System.Globalization;
using CMLoRA.Engine.Training;

namespace CMLoRA.Engine.Tests.Training;

/// <summary>
/// The three trainers repeat the losses recorded before their shared step code moved into <see cref="TrainingLoop"/>
/// (commit defceff, one libtorch thread): the fixture's VAE and model runs (2 steps each), the losses their resumed
/// checkpoints evaluate, and two short LoRA runs on the fixture's model (text encoder trained and frozen). Equal
/// within 1e-6 relative; a change of the draws, the loss, the clipping, the update or the checkpoint format shows here.
/// </summary>
[Collection(TinyBuiltInModelCollection.Name)]
public class TrainerLossRegressionTests
{
    private const double Tolerance = 1e-6;

    private readonly TinyBuiltInModelFixture model;

    public TrainerLossRegressionTests(TinyBuiltInModelFixture model)
    {
        TinyTraining.OneThread();
        this.model = model;
    }

    [Fact]
    public void VaeRunRepeatsTheRecordedLosses()
    {
        using var resumed = VaeTrainer.Resume(model.VaeRun);
        AssertLosses([1.1404102f, 0.9069542f, 0.77835906f, 0.7782856f], [.. Logged(model.VaeRun), resumed.EvaluateLoss(0), resumed.EvaluateLoss(1)], "vae");
    }

    [Fact]
    public void ModelRunRepeatsTheRecordedLosses()
    {
        using var resumed = DiffusionTrainer.Resume(model.ModelRun);
        AssertLosses([1.0429151f, 1.0042192f, 0.81987834f, 0.92168397f], [.. Logged(model.ModelRun), resumed.EvaluateLoss(0), resumed.EvaluateLoss(1)], "model");
    }

    [Theory]
    [InlineData(true, new[] { 0.9426594f, 0.8908914f, 0.8819872f, 0.9027605f })]
    [InlineData(false, new[] { 0.9426594f, 0.8935328f, 0.8854637f, 0.90391207f })]
    public void LoraRunRepeatsTheRecordedLosses(bool trainTextEncoder, float[] expected)
    {
        string name = trainTextEncoder ? "regression-te" : "regression-frozen";
        using var trainer = LoraTrainer.Start(model.TempFile(name + "-run"), new LoraTrainingOptions
        {
            ModelPath = model.ModelFolder,
            OutputPath = model.TempFile(name + ".safetensors"),
            Concept = "zorbly",
            Rank = 4,
            Steps = 3,
            BatchSize = 2,
            Images = 4,
            LearningRate = 5e-3,
            WarmupSteps = 0,
            Cosine = false,
            TrainTextEncoder = trainTextEncoder,
        });
        trainer.Train();
        AssertLosses(expected, [.. Logged(trainer.Run.Path), trainer.EvaluateLoss(0)], name);
    }

    private static float[] Logged(string run) =>
        LossLog.Read(new RunFolder(run).LossesPath, long.MaxValue).Entries.Select(e => e.Loss).ToArray();

    private static void AssertLosses(float[] expected, float[] actual, string run)
    {
        string Text(float[] values) => string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture) + "f"));
        Assert.True(expected.Length == actual.Length
                    && expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= Tolerance * Math.Abs(p.First)),
            $"{run}: expected [{Text(expected)}], got [{Text(actual)}]");
    }
}
