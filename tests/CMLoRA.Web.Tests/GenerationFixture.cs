using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>
/// A studio that generates with the tiny reference model (Studio:DefaultModelPath), with an admin and two members.
/// Alice owns the tiny model's LoRA (private) and a LoRA labelled SDXL; Bob owns nothing.
/// </summary>
public sealed class GenerationFixture : IAsyncLifetime
{
    public StudioProcess Studio { get; private set; } = null!;
    public StudioSession Admin { get; private set; } = null!;
    public StudioSession Alice { get; private set; } = null!;
    public StudioSession Bob { get; private set; } = null!;
    public string ModelDir { get; private set; } = "";
    public Guid TinyLora { get; private set; }
    public Guid SdxlLora { get; private set; }
    public byte[] TinyLoraBytes { get; } = File.ReadAllBytes(TinyModel.LoraFile);

    public async Task InitializeAsync()
    {
        ModelDir = Directory.CreateTempSubdirectory("cmlora-tiny-model-").FullName;
        Studio = await StudioProcess.StartAsync(environment: Environment(TinyModel.Create(ModelDir)));
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
    }
}

[CollectionDefinition(Name)]
public sealed class GenerationCollection : ICollectionFixture<GenerationFixture>
{
    public const string Name = "generation";
}
