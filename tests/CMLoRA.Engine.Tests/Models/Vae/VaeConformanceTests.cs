using CMLoRA.Engine.Models.Vae;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Vae;

/// <summary>The VAE against diffusers 0.27.2 on the tiny SD-topology model.</summary>
public sealed class VaeConformanceTests(ITestOutputHelper output) : IDisposable
{
    private const double RelativeTolerance = 1e-4;
    private static string VaeFolder => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers", "vae");

    private readonly AutoencoderKL _vae = AutoencoderKL.FromDiffusersFolder(VaeFolder);
    private readonly SafetensorsFile _inputs = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "inputs.safetensors"));
    private readonly SafetensorsFile _outputs = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "outputs.safetensors"));
    private readonly SafetensorsFile _outputs64 = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "outputs_f64.safetensors"));

    public void Dispose()
    {
        _vae.Dispose();
        _inputs.Dispose();
        _outputs.Dispose();
        _outputs64.Dispose();
    }

    private void AssertMatches(Tensor ours, string name)
    {
        using var reference = _outputs.ReadTensor(name);
        using var reference64 = _outputs64.ReadTensor(name);
        var vsF32 = ReferenceComparison.Of(ours, reference);
        var vsF64 = ReferenceComparison.Of(ours, reference64);
        output.WriteLine($"{name}: vs fp32 ref {vsF32}; vs fp64 ref {vsF64}");
        Assert.True(vsF32.RelativeError <= RelativeTolerance, $"{name}: {vsF32}");
        Assert.True(vsF64.RelativeError <= RelativeTolerance, $"{name} vs fp64: {vsF64}");
    }

    [Fact]
    public void DecodeMatchesReference()
    {
        using var guard = no_grad();
        using var latents = _inputs.ReadTensor("vae_decode_latents");
        using var images = _vae.Decode(latents);
        Assert.Equal(new long[] { 2, 3, 64, 64 }, images.shape);
        AssertMatches(images, "vae_decode");
    }

    [Fact]
    public void EncodeMeanAndLogVarianceMatchReference()
    {
        using var guard = no_grad();
        using var images = _inputs.ReadTensor("vae_encode_images");
        var (mean, logVar) = _vae.Encode(images);
        using (mean)
        using (logVar)
        {
            Assert.Equal(new long[] { 2, 4, 8, 8 }, mean.shape);
            AssertMatches(mean, "vae_encode_mean");
            AssertMatches(logVar, "vae_encode_logvar");
        }
    }

    [Fact]
    public void ScalingFactorComesFromTheConfig()
    {
        Assert.Equal(0.18215, _vae.ScalingFactor);
    }
}
