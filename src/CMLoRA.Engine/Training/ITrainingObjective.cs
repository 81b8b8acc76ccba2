using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// What a <see cref="TrainingLoop"/> optimises: the trainable parameters, the modules a checkpoint stores and one step's
/// loss. A trainer defines only these; the loop does the backward pass, clipping, the update and evaluation.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>The trainer's name in checkpoints: <c>vae</c>, <c>model</c> or <c>lora</c>.</summary>
    string Kind { get; }

    /// <summary>The modules whose state a checkpoint stores, each under its own key prefix.</summary>
    IReadOnlyList<(string Prefix, nn.Module Module)> CheckpointModules { get; }

    /// <summary>The parameters AdamW updates (requires_grad set).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// The loss of the step that follows <paramref name="completedSteps"/> steps, a scalar the caller owns: the loop
    /// runs its backward pass (training) or only reads it (<see cref="TrainingLoop.EvaluateLoss"/>, under no_grad).
    /// Every random draw derives from (run seed, <paramref name="completedSteps"/>), so a resumed run repeats the
    /// uninterrupted one. Called inside a dispose scope.
    /// </summary>
    Tensor Loss(long completedSteps);
}
