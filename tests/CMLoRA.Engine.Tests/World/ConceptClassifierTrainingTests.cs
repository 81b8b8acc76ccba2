using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.World;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.World;

public class ConceptClassifierTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void Training_loss_goes_down_over_a_few_steps_on_a_tiny_batch()
    {
        using var trainer = new ConceptClassifierTrainer(new ClassifierTrainingSettings(Steps: 30, BatchSize: 8, Seed: 3));
        var (images, labels) = trainer.Batch(0);
        using (images)
        using (labels)
        {
            Assert.Equal(new long[] { 8, 3, 64, 64 }, images.shape);
            var losses = Enumerable.Range(0, 30).Select(_ => trainer.TrainOn(images, labels, 3e-3f)).ToArray();
            output.WriteLine(string.Join(" ", losses.Select(l => l.ToString("F4"))));
            Assert.All(losses, l => Assert.True(float.IsFinite(l)));
            // 0.69 is chance; about 0.39 is what knowing only how often each label is on can reach. Below that the
            // network has learned these pictures.
            Assert.InRange(losses[0], 0.6f, 0.8f);
            Assert.True(losses[^1] < 0.3f, $"loss went from {losses[0]:F4} to {losses[^1]:F4}");
        }
    }

    [Fact]
    public void Resumed_run_ends_with_the_same_weights_as_an_uninterrupted_run()
    {
        using var dir = new TempDirectory();
        var settings = new ClassifierTrainingSettings(Steps: 4, BatchSize: 3, Seed: 9, CheckpointEvery: 2);
        using var straight = new ConceptClassifierTrainer(settings);
        straight.Train(4);

        string checkpoint = dir.File("run.ckpt");
        using (var first = new ConceptClassifierTrainer(settings)) first.Train(2, checkpoint);
        using var resumed = ConceptClassifierTrainer.Resume(checkpoint, settings);
        Assert.Equal(2, resumed.ResumedFrom);
        resumed.Train(10, checkpoint); // stops at Settings.Steps
        Assert.Equal(4, resumed.Step);

        var a = straight.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in resumed.Model.named_parameters())
        {
            using var difference = (parameter - a[name]).abs().max();
            Assert.True(difference.item<float>() < 1e-5f, $"{name} differs by {difference.item<float>()}");
        }
    }

    [Fact]
    public void Resume_refuses_a_checkpoint_made_with_other_settings()
    {
        using var dir = new TempDirectory();
        string checkpoint = dir.File("run.ckpt");
        using (var trainer = new ConceptClassifierTrainer(new ClassifierTrainingSettings(Steps: 2, BatchSize: 2, Seed: 1, CheckpointEvery: 1)))
            trainer.Train(1, checkpoint);
        var error = Assert.Throws<InvalidOperationException>(() =>
            ConceptClassifierTrainer.Resume(checkpoint, new ClassifierTrainingSettings(Steps: 2, BatchSize: 4, Seed: 1, CheckpointEvery: 1)));
        Assert.StartsWith("The checkpoint run.ckpt was made with ClassifierTrainingSettings { Steps = 2, BatchSize = 2,", error.Message);
    }

    [Fact]
    public void Augmentation_is_deterministic_keeps_the_range_and_changes_the_pictures()
    {
        var scenes = new[] { (new SceneSpec("square", "red", true, false, "sky", Style: "halftone"), 1L), (new SceneSpec("ghost", "blue", true, true, "hills"), 2L) };
        using var clean = SceneRenderer.RenderBatch(scenes);
        using var a = ClassifierAugmenter.Apply(clean, 5);
        using var b = ClassifierAugmenter.Apply(clean, 5);
        using var c = ClassifierAugmenter.Apply(clean, 6);
        Assert.Equal(clean.shape, a.shape);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.True((a - c).abs().mean().item<float>() > 1e-3f);
        Assert.True(a.min().item<float>() >= 0f && a.max().item<float>() <= 1f);
    }

    [Fact]
    public void Learning_rate_warms_up_then_decays_to_five_percent()
    {
        var settings = new ClassifierTrainingSettings(Steps: 1000, LearningRate: 1e-3f);
        Assert.Equal(50, settings.WarmupSteps);
        Assert.Equal(1e-3f / 50, settings.LearningRateAt(0), 1e-9f);
        Assert.Equal(1e-3f, settings.LearningRateAt(49), 1e-9f);
        Assert.Equal(1e-3f, settings.LearningRateAt(50), 1e-9f);
        Assert.Equal(0.05e-3f, settings.LearningRateAt(1000), 1e-9f);
    }
}
