using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>What a <see cref="TrainingLoop"/> optimises: the trainable parameters, the modules a checkpoint stores and one step's loss.</summary>
public interface ITrainingObjective
{
    /// <summary>The trainer's name in checkpoints: <c>vae</c>, <c>model</c> or <c>lora</c>.</summary>
    string Kind { get; }

    /// <summary>The modules whose state a checkpoint stores, each under its own key prefix.</summary>
    IReadOnlyList<(string Prefix, nn.Module Module)> CheckpointModules { get; }

    /// <summary>The parameters AdamW updates (requires_grad set).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// Runs the forward and backward pass of the step that follows <paramref name="completedSteps"/> steps and returns
    /// its loss. Every random draw derives from (run seed, <paramref name="completedSteps"/>), so a resumed run repeats
    /// the uninterrupted one. Called inside a dispose scope.
    /// </summary>
    float ComputeLoss(long completedSteps);
}
