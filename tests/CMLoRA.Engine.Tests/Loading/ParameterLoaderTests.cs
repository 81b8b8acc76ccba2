using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Models.Clip;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Loading;

public class ParameterLoaderTests
{
    private static StateDictTreeModule Linear() =>
        StateDictTreeModule.FromShapes([("proj.weight", [2, 3]), ("proj.bias", [2])]);

    private static SafetensorsFile Write(TempDirectory temp, params (string Name, Tensor Value)[] tensors)
    {
        string path = temp.File("w.safetensors");
        SafetensorsWriter.Write(path, tensors.Select(t => KeyValuePair.Create(t.Name, t.Value)));
        return SafetensorsFile.Open(path);
    }

    [Fact]
    public void LoadsConvertsDtypeAndReshapesConvKernels()
    {
        using var temp = new TempDirectory();
        using var weight = arange(6, ScalarType.Float16).reshape(2, 3, 1, 1);
        using var bias = tensor(new float[] { 7, 8 });
        using var file = Write(temp, ("w", weight), ("b", bias));
        using var module = Linear();

        int loaded = ParameterLoader.Load(module,
            [new WeightBinding("proj.weight", file, "w", WeightReshape.Conv1x1ToLinear), new WeightBinding("proj.bias", file, "b")], "test");

        Assert.Equal(2, loaded);
        var state = module.state_dict();
        using var expected = arange(6, ScalarType.Float32).reshape(2, 3);
        Assert.True(TensorComparison.BitEqual(expected, state["proj.weight"]));
        Assert.True(TensorComparison.BitEqual(bias, state["proj.bias"]));
    }

    [Fact]
    public void RefusesMissingUnexpectedDuplicateAndMisshapenTensorsWithoutLoadingAnything()
    {
        using var temp = new TempDirectory();
        using var wrong = ones(3, 2);
        using var extra = ones(1);
        using var file = Write(temp, ("w", wrong), ("x", extra));
        using var module = Linear();

        var error = Assert.Throws<CheckpointLoadException>(() => ParameterLoader.Load(module,
            [
                new WeightBinding("proj.weight", file, "w"),
                new WeightBinding("proj.weight", file, "x"),
                new WeightBinding("other.weight", file, "x"),
            ], "unet"));

        Assert.Equal(
            $"unet: the weights in '{temp.File("w.safetensors")}' do not fit the model. 1 parameters with no tensor in the checkpoint: proj.bias. "
            + "1 tensors with no parameter in the model: other.weight (from x). "
            + "1 parameters given more than once: proj.weight (from w and x). "
            + "1 shape mismatches: w is [3,2] but proj.weight needs [2,3].",
            error.Message);
        Assert.Equal(0, module.state_dict()["proj.weight"].abs().sum().item<float>());
    }

    [Fact]
    public void LongListsSayHowManyNamesTheyLeaveOut()
    {
        using var module = StateDictTreeModule.FromShapes(Enumerable.Range(0, 11).Select(i => ($"p{i}", new long[] { 1 })).ToArray());

        var error = Assert.Throws<CheckpointLoadException>(() => ParameterLoader.Load(module, [], "vae"));

        Assert.Equal("vae: the weights do not fit the model. 11 parameters with no tensor in the checkpoint: "
                     + "p0, p1, p2, p3, p4, p5, p6, p7, … (3 more).", error.Message);
    }
}
