using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Models.Clip;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Clip;

/// <summary>
/// The text model against the reference outputs of tests/fixtures/reference/tiny_sdlike (transformers 4.38, fp32).
/// Tolerance: relative error ≤ 1e-4 per tensor; the fp32–fp64 gap of the reference itself is ≈ 6e-6.
/// </summary>
public class CLIPTextModelConformanceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    private static string DiffusersFolderPath => Path.Combine(RepoPaths.TinyReference, "weights", "diffusers");

    private static string LdmFilePath => Path.Combine(RepoPaths.TinyReference, "weights", "ldm", "model.safetensors");

    private static ClipTextConfig TinyConfig =>
        ClipTextConfig.FromFile(Path.Combine(DiffusersFolderPath, "text_encoder", "config.json"));

    internal static CLIPTextModel LoadTiny(string source) => source switch
    {
        "diffusers" => StableDiffusionCheckpoint.LoadTextEncoder(DiffusersFolderPath),
        "ldm" => StableDiffusionCheckpoint.LoadTextEncoder(LdmFilePath, new StableDiffusionLoadOptions { TextEncoderConfig = TinyConfig }),
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    private static Tensor InputIds()
    {
        using var inputs = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "inputs.safetensors"));
        return inputs.ReadTensor("clip_input_ids");
    }

    private void AssertClose(string name, Tensor ours, SafetensorsFile reference, string source)
    {
        using var expected = reference.ReadTensor(name);
        var (relative, maxAbs) = TensorComparison.Errors(ours, expected);
        output.WriteLine($"{source} {name}: relative {relative:E2}, max abs {maxAbs:E2}");
        Assert.True(relative <= Tolerance, $"{source} {name}: relative error {relative:E3} > {Tolerance:E0} (max abs {maxAbs:E3})");
    }

    [Theory]
    [InlineData("diffusers")]
    [InlineData("ldm")]
    public void OutputsMatchTheReference(string source)
    {
        using var model = LoadTiny(source);
        using var ids = InputIds();
        using var reference = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "outputs.safetensors"));
        using var result = model.Encode(ids, outputHiddenStates: true);

        AssertClose("clip_last_hidden_state", result.LastHiddenState, reference, source);
        AssertClose("clip_pooler_output", result.PoolerOutput, reference, source);
        Assert.Equal(3, result.HiddenStates!.Count);
        for (int i = 0; i < 3; i++)
            AssertClose($"clip_hidden_states_{i}", result.HiddenStates[i], reference, source);

        using var skip2 = model.EncodePrompt(ids, clipSkip: 2);
        AssertClose("clip_skip2_penultimate_final_ln", skip2, reference, source);
        using var skip1 = model.EncodePrompt(ids, clipSkip: 1);
        Assert.True(TensorComparison.BitEqual(skip1, result.LastHiddenState));
        using var plain = no_grad();
        using var forward = model.forward(ids);
        Assert.True(TensorComparison.BitEqual(forward, result.LastHiddenState));
    }

    [Fact]
    public void TextEncoderFromTheSingleFileEqualsTheOneFromTheDiffusersFolderBitExactly()
    {
        using var fromFolder = LoadTiny("diffusers");
        using var fromFile = LoadTiny("ldm");
        var folderState = fromFolder.state_dict();
        var fileState = fromFile.state_dict();
        Assert.Equal(36, folderState.Count);
        Assert.Equal(folderState.Keys.Order(), fileState.Keys.Order());
        foreach (var (key, value) in folderState)
        Assert.True(TensorComparison.BitEqual(value, fileState[key]), key);

        using var ids = InputIds();
        using var a = fromFolder.Encode(ids, outputHiddenStates: true);
        using var b = fromFile.Encode(ids, outputHiddenStates: true);
        Assert.True(TensorComparison.BitEqual(a.LastHiddenState, b.LastHiddenState));
        Assert.True(TensorComparison.BitEqual(a.PoolerOutput, b.PoolerOutput));
    }

    [Fact]
    public void ClipSkipOutsideTheLayerCountIsRefused()
    {
        using var model = LoadTiny("diffusers");
        using var ids = InputIds();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.EncodePrompt(ids, clipSkip: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.EncodePrompt(ids, clipSkip: 3));
    }
}
