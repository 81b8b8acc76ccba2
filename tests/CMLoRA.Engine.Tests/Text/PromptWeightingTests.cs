using CMLoRA.Engine.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Text;

public class PromptWeightingTests
{
    [Fact]
    public void MultipliesTokensThenRestoresTheOriginalMean()
    {
        using Tensor hidden = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 1, 3, 2);
        using Tensor result = PromptWeighting.Apply(hidden, [1f, 2f, 0.5f]);

        // z·w = [1, 2, 6, 8, 2.5, 3], mean 3.75; mean(z) = 3.5; scale 3.5 / 3.75.
        double scale = 3.5 / 3.75;
        double[] expected = new[] { 1, 2, 6, 8, 2.5, 3 }.Select(v => v * scale).ToArray();
        Assert.Equal(new long[] { 1, 3, 2 }, result.shape);
        float[] actual = result.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        Assert.Equal(3.5, result.mean().item<float>(), 5);
    }

    [Fact]
    public void WithoutRestoreMeanOnlyMultiplies()
    {
        using Tensor hidden = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        using Tensor result = PromptWeighting.Apply(hidden, [1f, 2f, 0.5f], restoreMean: false);
        Assert.Equal(new float[] { 1, 2, 6, 8, 2.5f, 3 }, result.data<float>().ToArray());
    }

    [Fact]
    public void UnitWeightsLeaveHiddenStatesUnchanged()
    {
        using var generator = new Generator(42);
        using Tensor hidden = randn(new long[] { 1, 77, 768 }, generator: generator);
        using Tensor result = PromptWeighting.Apply(hidden, Enumerable.Repeat(1f, 77).ToArray());
        Assert.True(result.allclose(hidden, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void KeepsTheMeanOfA77TokenChunkAndDoesNotTouchTheInput()
    {
        using var generator = new Generator(7);
        using Tensor hidden = randn(new long[] { 1, 77, 768 }, generator: generator) + 0.5f;
        using Tensor before = hidden.clone();
        float[] weights = Enumerable.Range(0, 77).Select(i => i is >= 3 and < 8 ? 1.3f : 1f).ToArray();

        using Tensor result = PromptWeighting.Apply(hidden, weights);

        Assert.Equal(hidden.mean().item<float>(), result.mean().item<float>(), 4);
        Assert.True(hidden.allclose(before, rtol: 0, atol: 0), "the input was modified");
        using Tensor ratio = result[0, 4] / hidden[0, 4];
        using Tensor baseRatio = result[0, 20] / hidden[0, 20];
        Assert.Equal(1.3, (ratio / baseRatio).mean().item<float>(), 4);
    }

    [Fact]
    public void LeavesNoTensorsBehind()
    {
        using Tensor hidden = ones(1, 77, 8);
        float[] weights = Enumerable.Repeat(1.2f, 77).ToArray();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) PromptWeighting.Apply(hidden, weights).Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void RefusesWeightsOfTheWrongLength()
    {
        using Tensor hidden = zeros(1, 77, 8);
        var error = Assert.Throws<ArgumentException>(() => PromptWeighting.Apply(hidden, new float[75]));
        Assert.Contains("75", error.Message);
    }
}
