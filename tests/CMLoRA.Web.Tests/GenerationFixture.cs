using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// A studio that generates with the tiny reference model (Studio:DefaultModelPath, listed as "tiny-model"), with an
/// admin and two members. Its models folder (Studio:ModelsDir) holds "tiny-copy" (the tiny model with trailing timestep
/// spacing, so it hashes and draws differently), a pickle, a LoRA that is no checkpoint and an SDXL checkpoint header.
/// Alice owns the tiny model's LoRA (private) and a LoRA labelled SDXL; Bob owns nothing.
/// </summary>
public sealed class GenerationFixture : IAsyncLifetime
{
    public StudioProcess Studio { get; private set; } = null!;
    public StudioSession Admin { get; private set; } = null!;
    public StudioSession Alice { get; private set; } = null!;
    public StudioSession Bob { get; private set; } = null!;
    public string ModelDir { get; private set; } = "";
    public string ModelsDir { get; private set; } = "";
    public string CopyDir => Path.Combine(ModelsDir, "tiny-copy");
    public Guid TinyLora { get; private set; }
    public Guid SdxlLora { get; private set; }
    public byte[] TinyLoraBytes { get; } = File.ReadAllBytes(TinyModel.LoraFile);

    public async Task InitializeAsync()
    {
        ModelDir = Directory.CreateTempSubdirectory("cmlora-tiny-model-").FullName;
        ModelsDir = Directory.CreateTempSubdirectory("cmlora-models-").FullName;
        CreateModelsFolder(ModelsDir);
        var environment = Environment(TinyModel.Create(ModelDir));
        environment["Studio__ModelsDir"] = ModelsDir;
        Studio = await StudioProcess.StartAsync(environment: environment);
        Admin = await StudioSession.SignInAsync(Studio, TestAccounts.AdminEmail);
        await Admin.CreateAccountAsync(StudioFixture.AliceEmail, "Alice");
        await Admin.CreateAccountAsync(StudioFixture.BobEmail, "Bob");
        Alice = await StudioSession.SignInAsync(Studio, StudioFixture.AliceEmail);
        Bob = await StudioSession.SignInAsync(Studio, StudioFixture.BobEmail);
        TinyLora = await Alice.UploadLoraAsync(TinyLoraBytes, "tiny_lora.safetensors");
        SdxlLora = await Alice.UploadLoraAsync(SdxlLoraFile(), "xl_style.safetensors");
    }

    /// <summary>Unattended admin plus the tiny model.</summary>
    public static Dictionary<string, string> Environment(string modelPath)
    {
        var environment = TestAccounts.AdminEnvironment();
        environment["Studio__DefaultModelPath"] = modelPath;
        environment["Studio__Device"] = "cpu";
        return environment;
    }

    /// <summary>The models folder's entries (see the class summary).</summary>
    public static void CreateModelsFolder(string folder)
    {
        string copy = TinyModel.Create(folder, "tiny-copy");
        string scheduler = Path.Combine(copy, "scheduler", "scheduler_config.json");
        File.WriteAllText(scheduler, File.ReadAllText(scheduler).Replace("\"timestep_spacing\": \"linspace\"", "\"timestep_spacing\": \"trailing\""));
        File.WriteAllBytes(Path.Combine(folder, "legacy.ckpt"), [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E]);
        File.Copy(TinyModel.LoraFile, Path.Combine(folder, "not-a-model.safetensors"));
        byte[] zeros = new byte[8];
        File.WriteAllBytes(Path.Combine(folder, "xl-checkpoint.safetensors"), TestLora.Serialize(
        [
            new TestLora.Tensor("conditioner.embedders.1.model.ln_final.weight", "F16", [2], zeros[..4]),
            new TestLora.Tensor("model.diffusion_model.out.0.weight", "F16", [2], zeros[4..]),
        ]));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not listed");
    }

    /// <summary>A kohya LoRA whose cross-attention input is 2048 wide: the library labels it SDXL.</summary>
    public static byte[] SdxlLoraFile()
    {
        var random = new Random(5);
        byte[] Values(long count)
        {
            var bytes = new byte[count * 2];
            for (long i = 0; i < count; i++) System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan((int)(i * 2)), (Half)(random.NextSingle() * 0.01f));
            return bytes;
        }
        const string module = "lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k";
        return TestLora.Serialize(
        [
            new TestLora.Tensor(module + ".lora_down.weight", "F16", [4, 2048], Values(4 * 2048)),
            new TestLora.Tensor(module + ".lora_up.weight", "F16", [640, 4], Values(640 * 4)),
        ], new Dictionary<string, string> { ["ss_output_name"] = "xl_style" });
    }

    /// <summary>A client that authenticates only with a bearer token (no cookies, no anti-forgery token).</summary>
    public HttpClient BearerClient(string secret)
    {
        var client = Studio.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public string DatabasePath => Path.Combine(Studio.DataDir, "studio.db");

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        Alice?.Dispose();
        Bob?.Dispose();
        await Studio.DisposeAsync();
        try { Directory.Delete(Studio.DataDir, recursive: true); } catch (IOException) { }
        try { Directory.Delete(ModelDir, recursive: true); } catch (IOException) { }
        try { Directory.Delete(ModelsDir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class GenerationCollection : ICollectionFixture<GenerationFixture>
{
    public const string Name = "generation";
}
