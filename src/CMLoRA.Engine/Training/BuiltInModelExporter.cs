using System.Text.Json;
using System.Text.Json.Nodes;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Models.Unet;
using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Text;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Training;

/// <summary>
/// Turns a finished <see cref="DiffusionTrainer"/> run into the model the studio loads: a diffusers folder
/// (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/ with SD 1.5's schedule and DPM-Solver++),
/// a single-file variant in the original (LDM) naming whose metadata carries the three configs, and a model card.
/// </summary>
public static class BuiltInModelExporter
{
    /// <summary>The single-file variant's name inside the exported folder.</summary>
    public const string SingleFileName = "cmlora-builtin.safetensors";

    /// <summary>Metadata keys of the single file that hold the component configs (JSON); see <see cref="SingleFileMetadata"/>.</summary>
    public const string UnetConfigKey = SingleFileMetadata.UnetConfigKey, VaeConfigKey = SingleFileMetadata.VaeConfigKey,
        TextEncoderConfigKey = SingleFileMetadata.TextEncoderConfigKey;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Exports the newest checkpoint of the model run at <paramref name="modelRunPath"/> into <paramref name="outFolder"/>.</summary>
    /// <param name="dtype">Float32, or Float16 to halve the files (the engine computes in float32 either way).</param>
    /// <param name="singleFile">Also write <see cref="SingleFileName"/>.</param>
    public static ExportResult Export(string modelRunPath, string outFolder, ScalarType dtype = ScalarType.Float32, bool singleFile = true)
    {
        var run = new RunFolder(modelRunPath);
        if (!File.Exists(run.OptionsPath)) throw new InvalidOperationException($"{run.Path} holds no `train model` run (run.json is missing)");
        var options = run.ReadJson<DiffusionTrainingOptions>(Path.GetFileName(run.OptionsPath));
        var (step, checkpoint) = run.LatestCheckpoint() ?? throw new InvalidOperationException($"{run.Path} has no checkpoint yet");
        var state = TrainingCheckpoint.ReadState(checkpoint);
        if (state.Kind != "model") throw new InvalidOperationException($"{run.Path} holds a '{state.Kind}' run, not a `train model` run");

        using var unet = new UNet2DConditionModel(options.Unet!);
        using var textEncoder = new CLIPTextModel(options.TextEncoder!);
        TrainingCheckpoint.LoadModules(checkpoint, [("unet", unet), ("text_encoder", textEncoder)]);
        using var vae = AutoencoderKL.FromDiffusersFolder(run.File(DiffusionTrainer.VaeFolder));

        Directory.CreateDirectory(outFolder);
        DiffusersComponentWriter.WriteUnet(Path.Combine(outFolder, "unet"), unet.Config, unet, dtype);
        DiffusersComponentWriter.WriteVae(Path.Combine(outFolder, "vae"), vae.Config, vae, dtype);
        DiffusersComponentWriter.WriteTextEncoder(Path.Combine(outFolder, "text_encoder"), textEncoder.Config, textEncoder, dtype);
        string tokenizer = Path.Combine(outFolder, ClipTokenizer.TokenizerSubfolder);
        Directory.CreateDirectory(tokenizer);
        foreach (string file in Directory.GetFiles(run.File(DiffusionTrainer.TokenizerFolder)))
            File.Copy(file, Path.Combine(tokenizer, Path.GetFileName(file)), overwrite: true);
        WriteScheduler(Path.Combine(outFolder, "scheduler"));
        WriteModelIndex(outFolder);

        string? single = null;
        if (singleFile)
        {
            single = Path.Combine(outFolder, SingleFileName);
            WriteSingleFile(single, unet, vae, textEncoder, dtype, outFolder);
        }
        long unetCount = Count(unet), vaeCount = Count(vae), textCount = Count(textEncoder);
        ModelCard.Write(Path.Combine(outFolder, "README.md"), run, options, state, (unetCount, vaeCount, textCount), vae.Config, dtype, step);
        long bytes = Directory.GetFiles(outFolder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new ExportResult(Path.GetFullPath(outFolder), single, unetCount, vaeCount, textCount, bytes);
    }

    /// <summary>
    /// Writes the single-file variant of the diffusers folder <paramref name="modelFolder"/> (an export, possibly an older
    /// one): loads its components and writes them with <see cref="WriteSingleFile"/>, embedding its tokenizer and scheduler.
    /// The folder's float16 weights convert to float32 and back exactly, so the tensors are those of the folder.
    /// </summary>
    /// <param name="path">Where to write; null writes <see cref="SingleFileName"/> inside the folder.</param>
    /// <returns>The path written.</returns>
    public static string WriteSingleFileFromFolder(string modelFolder, string? path = null, ScalarType dtype = ScalarType.Float16)
    {
        path ??= Path.Combine(modelFolder, SingleFileName);
        using var models = StableDiffusionCheckpoint.Load(modelFolder);
        WriteSingleFile(path, models.RequireUnet(), models.RequireVae(), models.TextEncoder, dtype, modelFolder);
        return path;
    }

    /// <summary>
    /// Writes the three components into one safetensors file in LDM naming (<c>model.diffusion_model.*</c>,
    /// <c>first_stage_model.*</c>, <c>cond_stage_model.transformer.*</c>) with the configs in its metadata
    /// (<see cref="SingleFileMetadata"/>), so the file loads on its own.
    /// </summary>
    /// <param name="modelFolder">
    /// The diffusers folder of the same model: its <c>tokenizer/</c> (vocab.json, merges.txt) and
    /// <c>scheduler/scheduler_config.json</c> go into the metadata too. Null embeds no tokenizer (the file then needs a
    /// CLIP-sized vocabulary or a tokenizer beside it) and the exporter's own schedule (<see cref="WriteScheduler"/>).
    /// </param>
    public static void WriteSingleFile(string path, UNet2DConditionModel unet, AutoencoderKL vae, CLIPTextModel textEncoder,
        ScalarType dtype = ScalarType.Float32, string? modelFolder = null)
    {
        var config = unet.Config;
        int[] layers = config.LayersPerBlock.Resolve(config.BlockCount, "layers_per_block");
        if (layers.Distinct().Count() != 1)
            throw new InvalidOperationException("the single-file (LDM) layout needs the same layers_per_block for every UNet level");
        var writer = new LdmKeyWriter(layers[0], vae.Config.BlockOutChannels.Count,
            Enumerable.Range(0, config.BlockCount).Where(i => config.UpBlockTypes[i] == "CrossAttnUpBlock2D"));

        using var scope = NewDisposeScope();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, value) in unet.state_dict())
            tensors.Add(KeyValuePair.Create(writer.Unet(name), DiffusersComponentWriter.Convert(value, dtype)));
        foreach (var (name, value) in vae.state_dict())
        {
            var (key, toConv) = writer.Vae(name);
            var converted = DiffusersComponentWriter.Convert(value, dtype);
            tensors.Add(KeyValuePair.Create(key, toConv ? converted.reshape([.. value.shape, 1, 1]) : converted));
        }
        foreach (var (name, value) in textEncoder.state_dict())
            tensors.Add(KeyValuePair.Create(LdmKeyWriter.TextEncoder(name), DiffusersComponentWriter.Convert(value, dtype)));

        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            [UnetConfigKey] = ConfigJson.Serialize(unet.Config),
            [VaeConfigKey] = ConfigJson.Serialize(vae.Config),
            [TextEncoderConfigKey] = JsonSerializer.Serialize(textEncoder.Config),
            [SingleFileMetadata.SchedulerConfigKey] = SchedulerFor(modelFolder).ToJsonString(),
            ["modelspec.architecture"] = "cmlora-builtin",
            ["modelspec.title"] = "CMLoRA Studio built-in model",
        };
        if (modelFolder is not null)
        {
            // The texts verbatim: the tokenizer in the file is the folder's, byte for byte.
            string tokenizer = Path.Combine(modelFolder, ClipTokenizer.TokenizerSubfolder);
            metadata[SingleFileMetadata.TokenizerVocabKey] = File.ReadAllText(Path.Combine(tokenizer, ClipTokenizer.VocabFileName));
            metadata[SingleFileMetadata.TokenizerMergesKey] = File.ReadAllText(Path.Combine(tokenizer, ClipTokenizer.MergesFileName));
        }
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    private static JsonObject SchedulerFor(string? modelFolder)
    {
        string? file = modelFolder is null ? null : Path.Combine(modelFolder, "scheduler", "scheduler_config.json");
        return file is not null && File.Exists(file) ? LenientJson.ReadObject(file) : SchedulerJson();
    }

    /// <summary>SD 1.5's training schedule with DPM-Solver++ (2M) as the default sampler.</summary>
    public static void WriteScheduler(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "scheduler_config.json"), SchedulerJson().ToJsonString(Indented));
    }

    private static JsonObject SchedulerJson() =>
        new()
        {
            ["_class_name"] = "DPMSolverMultistepScheduler",
            ["_diffusers_version"] = DiffusersComponentWriter.DiffusersVersion,
            ["num_train_timesteps"] = 1000,
            ["beta_start"] = 0.00085,
            ["beta_end"] = 0.012,
            ["beta_schedule"] = "scaled_linear",
            ["trained_betas"] = null,
            ["prediction_type"] = "epsilon",
            ["steps_offset"] = 1,
            ["timestep_spacing"] = "linspace",
            ["algorithm_type"] = "dpmsolver++",
            ["solver_order"] = 2,
            ["solver_type"] = "midpoint",
            ["lower_order_final"] = true,
            ["euler_at_final"] = false,
            ["use_karras_sigmas"] = false,
            ["use_lu_lambdas"] = false,
            ["final_sigmas_type"] = "zero",
            ["variance_type"] = null,
            ["thresholding"] = false,
            ["rescale_betas_zero_snr"] = false,
            ["clip_sample"] = false,
            ["set_alpha_to_one"] = false,
            ["skip_prk_steps"] = true,
        };

    /// <summary>A <c>StableDiffusionPipeline</c> model_index.json without safety checker or feature extractor.</summary>
    public static void WriteModelIndex(string folder)
    {
        var json = new JsonObject
        {
            ["_class_name"] = "StableDiffusionPipeline",
            ["_diffusers_version"] = DiffusersComponentWriter.DiffusersVersion,
            ["feature_extractor"] = new JsonArray(null, null),
            ["requires_safety_checker"] = false,
            ["safety_checker"] = new JsonArray(null, null),
            ["scheduler"] = new JsonArray("diffusers", "DPMSolverMultistepScheduler"),
            ["text_encoder"] = new JsonArray("transformers", "CLIPTextModel"),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["unet"] = new JsonArray("diffusers", "UNet2DConditionModel"),
            ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
        };
        File.WriteAllText(Path.Combine(folder, DiffusersFolder.ModelIndexFileName), json.ToJsonString(Indented));
    }

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());
}
