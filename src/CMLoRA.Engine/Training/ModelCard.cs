using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Writes the exported model's README.md: what it is, its sizes, and the exact recipe that made it (commands, seeds,
/// steps, wall time and final losses, read from the run folders).
/// </summary>
internal static class ModelCard
{
    public static void Write(string path, RunFolder run, DiffusionTrainingOptions options, CheckpointState state,
        (long Unet, long Vae, long Text) parameters, Models.Vae.VaeConfig vae, ScalarType dtype, long step)
    {
        var vaeOptions = TryRead<VaeTrainingOptions>(run.File(DiffusionTrainer.VaeRunOptionsFile));
        var vaeState = TryRead<CheckpointState>(run.File(DiffusionTrainer.VaeRunStateFile));
        var unet = options.Unet!;
        var text = options.TextEncoder!;
        var card = new StringBuilder();
        void Line(FormattableString line) => card.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"# CMLoRA Studio built-in model");
        Line($"");
        Line($"A small Stable Diffusion 1.x-topology model trained from scratch on the procedural shapes world (`cmlora world`).");
        Line($"Same classes as SD 1.5 (AutoencoderKL, UNet2DConditionModel with cross-attention, CLIPTextModel), small configs;");
        Line($"64×64 pictures, 16×16×4 latents, a {text.VocabSize}-token BPE vocabulary learned from the world's captions.");
        Line($"Weights stored as {(dtype == ScalarType.Float16 ? "float16" : "float32")}; the engine computes in float32.");
        Line($"");
        Line($"| component | parameters | config |");
        Line($"| --- | ---: | --- |");
        Line($"| VAE | {parameters.Vae:N0} | block_out_channels {vae.BlockOutChannels.ToString()}, layers_per_block {vae.LayersPerBlock}, latent_channels {vae.LatentChannels}, scaling_factor {vae.ScalingFactor:G6} (1 / latent std) |");
        Line($"| UNet | {parameters.Unet:N0} | block_out_channels {unet.BlockOutChannels.ToString()}, layers_per_block {unet.LayersPerBlock}, heads {unet.AttentionHeadDim}, cross_attention_dim {unet.CrossAttentionDim} |");
        Line($"| text encoder | {parameters.Text:N0} | hidden {text.HiddenSize}, {text.NumHiddenLayers} layers, {text.NumAttentionHeads} heads, vocab {text.VocabSize} |");
        Line($"");
        Line($"## Recipe");
        Line($"");
        Line($"```");
        if (vaeOptions is not null)
            Line($"cmlora train vae --run runs/vae --steps {vaeOptions.Steps} --batch {vaeOptions.BatchSize} --seed {vaeOptions.Seed} --lr {vaeOptions.LearningRate}");
        Line($"cmlora train model --run runs/model --vae runs/vae --steps {options.Steps} --batch {options.BatchSize} --seed {options.Seed} --lr {options.LearningRate}");
        Line($"cmlora train export --run runs/model --out models/builtin --dtype {(dtype == ScalarType.Float16 ? "fp16" : "fp32")}");
        Line($"```");
        Line($"");
        Line($"| stage | steps | batch | seed | wall time | final loss |");
        Line($"| --- | ---: | ---: | ---: | ---: | ---: |");
        if (vaeOptions is not null && vaeState is not null)
            Line($"| VAE (L1 + L2 + 1e-6·KL) | {vaeState.Step} | {vaeOptions.BatchSize} | {vaeOptions.Seed} | {Minutes(vaeState.Seconds)} | {vaeState.RecentLoss:F5} |");
        Line($"| UNet + text encoder (ε-MSE) | {step} | {options.BatchSize} | {options.Seed} | {Minutes(state.Seconds)} | {state.RecentLoss:F5} |");
        Line($"");
        Line($"Final loss = mean over the last {TrainingLoop.FinalLossWindow} steps. Checkpoint saved {state.SavedAt}.");
        Line($"Training data: {options.DatasetSize} base-world scenes (no novel concepts; those are taught by the demo LoRAs), captions by CaptionWriter, {options.CaptionDropout:P0} caption dropout.");
        File.WriteAllText(path, card.ToString());
    }

    private static string Minutes(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F1} min");

    private static T? TryRead<T>(string path) where T : class => File.Exists(path) ? RunFolder.ReadJsonFile<T>(path) : null;
}
