using System.Security.Cryptography;
using System.Text;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Engine.Tests.Recipes;

/// <summary>
/// A diffusers folder's hash covers model_index.json and the files of its declared components, nothing kept beside
/// them: adding a LoRA under loras/ (or a single-file variant, a picture) leaves it unchanged, one changed weight byte
/// changes it.
/// </summary>
public sealed class ModelHashingTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _model;

    public ModelHashingTests()
    {
        _model = TinyModelFolder.Create(_temp.Path);
    }

    public void Dispose() => _temp.Dispose();

    private string Hash() => ModelHashing.Compute(_model).Sha256!;

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void FilesBesideTheComponentsDoNotChangeTheHash()
    {
        string before = Hash();
        Directory.CreateDirectory(Path.Combine(_model, "loras"));
        File.WriteAllBytes(Path.Combine(_model, "loras", "style.safetensors"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_model, "model-single-file.safetensors"), [4, 5, 6]);
        File.WriteAllText(Path.Combine(_model, "notes.txt"), "beside the model");
        Directory.CreateDirectory(Path.Combine(_model, "safety_checker"));   // declared null in model_index.json
        File.WriteAllText(Path.Combine(_model, "safety_checker", "config.json"), "{}");

        Assert.Equal(before, Hash());
    }

    [Theory]
    [InlineData("unet/diffusion_pytorch_model.safetensors")]
    [InlineData("vae/diffusion_pytorch_model.safetensors")]
    [InlineData("text_encoder/model.safetensors")]
    [InlineData("tokenizer/merges.txt")]
    [InlineData("scheduler/scheduler_config.json")]
    [InlineData("model_index.json")]
    public void OneChangedByteOfAComponentFileChangesTheHash(string file)
    {
        string before = Hash();
        string path = Path.Combine(_model, file);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^2] ^= 0x01;   // a weight byte near the end of the tensor data; a character of the text files
        File.WriteAllBytes(path, bytes);

        Assert.NotEqual(before, Hash());
    }

    [Fact]
    public void TheDigestIsSha256OverTheSortedListingOfComponentFiles()
    {
        string[] files =
        [
            "model_index.json", "scheduler/scheduler_config.json", "text_encoder/config.json", "text_encoder/model.safetensors",
            "tokenizer/merges.txt", "tokenizer/vocab.json", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
            "vae/config.json", "vae/diffusion_pytorch_model.safetensors",
        ];
        var listing = new StringBuilder();
        foreach (string file in files)
            listing.Append(file).Append('\n').Append(Sha(File.ReadAllBytes(Path.Combine(_model, file)))).Append('\n');
        string expected = Sha(Encoding.UTF8.GetBytes(listing.ToString()));

        Assert.Equal(new ModelIdentity("tiny-model", ModelHashing.DiffusersFolder, expected, expected[..10]), ModelHashing.Compute(_model));
    }

    [Fact]
    public void AFolderWithoutModelIndexIsDigestedWhole()
    {
        // A stand-alone diffusers VAE folder (a VAE override): config.json and weights, no model_index.json.
        string vae = Path.Combine(_model, "vae");
        string expected = Sha(Encoding.UTF8.GetBytes(
            $"config.json\n{Sha(File.ReadAllBytes(Path.Combine(vae, "config.json")))}\n" +
            $"diffusion_pytorch_model.safetensors\n{Sha(File.ReadAllBytes(Path.Combine(vae, "diffusion_pytorch_model.safetensors")))}\n"));
        Assert.Equal(expected, ModelHashing.Compute(vae).Sha256);
    }
}
