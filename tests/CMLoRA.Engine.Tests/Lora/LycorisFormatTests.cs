using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tests.Support;
using static CMLoRA.Engine.Tests.Lora.LoraTestFiles;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Lora;

/// <summary>
/// LoHa, LoKr and DoRA modules: parsed rank/alpha/scale and ΔW (or the DoRA-adjusted weight) against direct loop
/// computations in double precision. Tolerance 1e-5 absolute on values of order 1.
/// </summary>
public class LycorisFormatTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private const string Module = "lora_unet_down_blocks_1_attentions_1_transformer_blocks_0_ff_net_2";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static double[] MatMul(double[] a, double[] b, int rows, int inner, int cols)
    {
        var result = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                for (int k = 0; k < inner; k++) result[r * cols + c] += a[r * inner + k] * b[k * cols + c];
        return result;
    }

    // R[p,q,y,x] = Σ_ij t[i,j,y,x]·wa[i,p]·wb[j,q], wa [rank,out], wb [rank,in]
    private static double[] Tucker(double[] t, double[] wa, double[] wb, int rank, int output, int input, int k)
    {
        var result = new double[output * input * k * k];
        for (int p = 0; p < output; p++)
            for (int q = 0; q < input; q++)
                for (int y = 0; y < k; y++)
                    for (int x = 0; x < k; x++)
                    {
                        double sum = 0;
                        for (int i = 0; i < rank; i++)
                            for (int j = 0; j < rank; j++)
                                sum += t[((i * rank + j) * k + y) * k + x] * wa[i * output + p] * wb[j * input + q];
                        result[((p * input + q) * k + y) * k + x] = sum;
                    }
        return result;
    }

    // kron(w1 [a,c], w2 [b,d,kk]) laid out as [a·b, c·d, kk]
    private static double[] Kron(double[] w1, int a, int c, double[] w2, int b, int d, int kernel)
    {
        var result = new double[a * b * c * d * kernel];
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++)
                    for (int l = 0; l < d; l++)
                        for (int s = 0; s < kernel; s++)
                            result[((i * b + j) * (c * d) + (k * d + l)) * kernel + s] = w1[i * c + k] * w2[(j * d + l) * kernel + s];
        return result;
    }

    [Fact]
    public void LoHaIsTheHadamardProductOfTwoLowRankProducts()
    {
        var w1a = Random(1, 5, 2); var w1b = Random(2, 2, 4);
        var w2a = Random(3, 5, 2); var w2b = Random(4, 2, 4);
        var first = MatMul(Values(w1a), Values(w1b), 5, 2, 4);
        var second = MatMul(Values(w2a), Values(w2b), 5, 2, 4);
        var expected = first.Zip(second, (x, y) => x * y * 0.5 * 0.9).ToArray();
        using var lora = LoraFile.Open(Write(_temp, "loha.safetensors",
        [
            ($"{Module}.hada_w1_a", w1a), ($"{Module}.hada_w1_b", w1b),
            ($"{Module}.hada_w2_a", w2a), ($"{Module}.hada_w2_b", w2b),
            ($"{Module}.alpha", Scalar(1f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(LoraNetworkType.LoHa, lora.NetworkType);
        Assert.Equal(LoraAlgorithm.LoHa, module.Algorithm);
        Assert.Equal(2, module.Rank);
        Assert.Equal(0.5, module.Scale);
        Assert.Equal(new long[] { 5, 4 }, module.DeltaShape);
        using var delta = module.DeltaWeight(0.9);
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void LoHaTuckerConvRebuildsBothFactorsFromTheirCores()
    {
        const int rank = 2, output = 3, input = 4, k = 3;
        var t1 = Random(5, rank, rank, k, k); var w1a = Random(6, rank, output); var w1b = Random(7, rank, input);
        var t2 = Random(8, rank, rank, k, k); var w2a = Random(9, rank, output); var w2b = Random(10, rank, input);
        var first = Tucker(Values(t1), Values(w1a), Values(w1b), rank, output, input, k);
        var second = Tucker(Values(t2), Values(w2a), Values(w2b), rank, output, input, k);
        var expected = first.Zip(second, (x, y) => x * y * (4.0 / rank)).ToArray();
        using var lora = LoraFile.Open(Write(_temp, "loha_tucker.safetensors",
        [
            ("lora_unet_down_blocks_0_resnets_1_conv1.hada_t1", t1), ("lora_unet_down_blocks_0_resnets_1_conv1.hada_w1_a", w1a),
            ("lora_unet_down_blocks_0_resnets_1_conv1.hada_w1_b", w1b), ("lora_unet_down_blocks_0_resnets_1_conv1.hada_t2", t2),
            ("lora_unet_down_blocks_0_resnets_1_conv1.hada_w2_a", w2a), ("lora_unet_down_blocks_0_resnets_1_conv1.hada_w2_b", w2b),
            ("lora_unet_down_blocks_0_resnets_1_conv1.alpha", Scalar(4f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.True(module.HasTuckerCore);
        Assert.Equal(ModuleKind.Conv2d, module.Kind);
        Assert.Equal(new long[] { output, input, k, k }, module.DeltaShape);
        using var delta = module.DeltaWeight();
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void LoHaFlattenedConvUnflattensToTheTargetShape()
    {
        var w1a = Random(11, 3, 2); var w1b = Random(12, 2, 4 * 9);
        var w2a = Random(13, 3, 2); var w2b = Random(14, 2, 4 * 9);
        var expected = MatMul(Values(w1a), Values(w1b), 3, 2, 36).Zip(MatMul(Values(w2a), Values(w2b), 3, 2, 36), (x, y) => x * y).ToArray();
        using var lora = LoraFile.Open(Write(_temp, "loha_flat.safetensors",
        [
            ("lora_unet_up_blocks_2_resnets_0_conv2.hada_w1_a", w1a), ("lora_unet_up_blocks_2_resnets_0_conv2.hada_w1_b", w1b),
            ("lora_unet_up_blocks_2_resnets_0_conv2.hada_w2_a", w2a), ("lora_unet_up_blocks_2_resnets_0_conv2.hada_w2_b", w2b),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(new long[] { 3, 36 }, module.DeltaShape);
        Assert.True(module.IsCompatibleWith([3, 4, 3, 3]));
        using var delta = module.DeltaWeight(1.0, [3, 4, 3, 3]);
        Assert.Equal(new long[] { 3, 4, 3, 3 }, delta.shape);
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void FullMatrixLoKrIgnoresAlphaAndIsAKroneckerProduct()
    {
        var w1 = Random(15, 2, 3); var w2 = Random(16, 4, 5);
        var expected = Kron(Values(w1), 2, 3, Values(w2), 4, 5, 1);
        using var lora = LoraFile.Open(Write(_temp, "lokr_full.safetensors",
        [
            ($"{Module}.lokr_w1", w1), ($"{Module}.lokr_w2", w2), ($"{Module}.alpha", Scalar(7f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(LoraNetworkType.LoKr, lora.NetworkType);
        Assert.Equal(0, module.Rank);
        Assert.Equal(1.0, module.Scale);
        Assert.Equal(new long[] { 8, 15 }, module.DeltaShape);
        using var delta = module.DeltaWeight();
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void FactorisedLoKrScalesByAlphaOverRank()
    {
        var w1a = Random(17, 2, 3); var w1b = Random(18, 3, 3);
        var w2a = Random(19, 4, 3); var w2b = Random(20, 3, 5);
        var w1 = MatMul(Values(w1a), Values(w1b), 2, 3, 3);
        var w2 = MatMul(Values(w2a), Values(w2b), 4, 3, 5);
        var expected = Kron(w1, 2, 3, w2, 4, 5, 1).Select(v => v * 1.5 / 3).ToArray();
        using var lora = LoraFile.Open(Write(_temp, "lokr_factored.safetensors",
        [
            ($"{Module}.lokr_w1_a", w1a), ($"{Module}.lokr_w1_b", w1b),
            ($"{Module}.lokr_w2_a", w2a), ($"{Module}.lokr_w2_b", w2b), ($"{Module}.alpha", Scalar(1.5f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(3, module.Rank);
        Assert.Equal(0.5, module.Scale, 12);
        using var delta = module.DeltaWeight();
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void ConvLoKrKeepsTheKernelOfItsSecondFactor()
    {
        var w1 = Random(21, 2, 2); var w2 = Random(22, 3, 2, 3, 3);
        var expected = Kron(Values(w1), 2, 2, Values(w2), 3, 2, 9).Select(v => v * 0.25).ToArray();
        using var lora = LoraFile.Open(Write(_temp, "lokr_conv.safetensors",
        [
            ("lora_unet_down_blocks_0_downsamplers_0_conv.lokr_w1", w1),
            ("lora_unet_down_blocks_0_downsamplers_0_conv.lokr_w2", w2),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(new long[] { 6, 4, 3, 3 }, module.DeltaShape);
        using var delta = module.DeltaWeight(0.25);
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    [Fact]
    public void TuckerLoKrRebuildsItsSecondFactor()
    {
        const int rank = 2;
        var w1 = Random(23, 2, 2);
        var t2 = Random(24, rank, rank, 3, 3); var w2a = Random(25, rank, 3); var w2b = Random(26, rank, 4);
        var w2 = Tucker(Values(t2), Values(w2a), Values(w2b), rank, 3, 4, 3);
        var expected = Kron(Values(w1), 2, 2, w2, 3, 4, 9).Select(v => v * 1.0 / rank).ToArray();
        using var lora = LoraFile.Open(Write(_temp, "lokr_tucker.safetensors",
        [
            ("lora_unet_up_blocks_0_resnets_0_conv1.lokr_w1", w1), ("lora_unet_up_blocks_0_resnets_0_conv1.lokr_t2", t2),
            ("lora_unet_up_blocks_0_resnets_0_conv1.lokr_w2_a", w2a), ("lora_unet_up_blocks_0_resnets_0_conv1.lokr_w2_b", w2b),
            ("lora_unet_up_blocks_0_resnets_0_conv1.alpha", Scalar(1f)),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(rank, module.Rank);
        Assert.Equal(new long[] { 6, 8, 3, 3 }, module.DeltaShape);
        using var delta = module.DeltaWeight();
        Assert.True(MaxAbsDifference(delta, expected) < Tolerance);
    }

    // W + s·(D − W) with D = (W+ΔW)·m/(‖W+ΔW‖ + ε), norm per output row or per input column.
    private static double[] DoraDirect(double[] w, double[] delta, double[] magnitude, int output, int input, bool outputAxis, double s)
    {
        var merged = w.Zip(delta, (a, b) => a + b).ToArray();
        var result = new double[merged.Length];
        for (int o = 0; o < output; o++)
            for (int i = 0; i < input; i++)
            {
                double squares = 0;
                if (outputAxis) for (int j = 0; j < input; j++) squares += merged[o * input + j] * merged[o * input + j];
                else for (int p = 0; p < output; p++) squares += merged[p * input + i] * merged[p * input + i];
                double norm = Math.Sqrt(squares) + 1.1920929e-07;
                double d = merged[o * input + i] * magnitude[outputAxis ? o : i] / norm;
                result[o * input + i] = w[o * input + i] + s * (d - w[o * input + i]);
            }
        return result;
    }

    [Theory]
    [InlineData(true, 1.0)]
    [InlineData(true, 0.5)]
    [InlineData(false, 1.0)]
    [InlineData(false, 0.3)]
    public void DoraRenormalisesTheMergedWeightAlongTheStoredAxis(bool outputAxis, double multiplier)
    {
        const int output = 6, input = 5, rank = 2;
        var down = Random(27, rank, input); var up = Random(28, output, rank);
        var magnitude = outputAxis ? Random(29, output, 1).abs() : Random(29, 1, input).abs();
        double[] magnitudeValues = Values(magnitude);
        using var weight = Random(30, output, input);
        using var lora = LoraFile.Open(Write(_temp, "dora.safetensors",
        [
            ($"{Module}.lora_down.weight", down), ($"{Module}.lora_up.weight", up),
            ($"{Module}.alpha", Scalar(1f)), ($"{Module}.dora_scale", magnitude),
        ]));

        var module = Assert.Single(lora.Modules);
        Assert.Equal(LoraNetworkType.DoRA, lora.NetworkType);
        Assert.Equal(outputAxis ? DoraAxis.Output : DoraAxis.Input, module.DoraAxis);
        using var delta = module.DeltaWeight(1.0, weight.shape);
        var expected = DoraDirect(Values(weight), Values(delta), magnitudeValues, output, input, outputAxis, multiplier);
        using var adjusted = module.ApplyDora(weight, delta, multiplier);
        Assert.True(MaxAbsDifference(adjusted, expected) < Tolerance);
    }

    [Fact]
    public void DoraAtMultiplierZeroLeavesTheWeightUnchanged()
    {
        using var weight = Random(31, 4, 3);
        var expected = Values(weight);
        using var lora = LoraFile.Open(Write(_temp, "dora0.safetensors",
        [
            ($"{Module}.lora_down.weight", Random(32, 2, 3)), ($"{Module}.lora_up.weight", Random(33, 4, 2)),
            ($"{Module}.dora_scale", Random(34, 4, 1).abs()),
        ]));
        var module = Assert.Single(lora.Modules);
        using var delta = module.DeltaWeight(1.0, weight.shape);
        using var adjusted = module.ApplyDora(weight, delta, 0.0);
        Assert.True(MaxAbsDifference(adjusted, expected) < 1e-7);
    }

    [Fact]
    public void PeftMagnitudeVectorIsAnOutputAxisDora()
    {
        const string path = "unet.down_blocks.0.attentions.1.transformer_blocks.0.attn1.to_v";
        using var lora = LoraFile.Open(Write(_temp, "peft_dora.safetensors",
        [
            ($"{path}.lora_A.weight", Random(35, 2, 4)), ($"{path}.lora_B.weight", Random(36, 4, 2)),
            ($"{path}.lora_magnitude_vector", Random(37, 4).abs()),
        ]));
        var module = Assert.Single(lora.Modules);
        Assert.Equal(DoraAxis.Output, module.DoraAxis);
        Assert.Equal(LoraNetworkType.DoRA, lora.NetworkType);
    }

    [Fact]
    public void DoraScaleOfTheWrongShapeIsRefused()
    {
        string file = Write(_temp, "dora_bad.safetensors",
        [
            ($"{Module}.lora_down.weight", Random(38, 2, 3)), ($"{Module}.lora_up.weight", Random(39, 4, 2)),
            ($"{Module}.dora_scale", Random(40, 3, 3)),
        ]);
        var error = Assert.Throws<LoraFormatException>(() => LoraFile.Open(file).Dispose());
        Assert.Equal(LoraErrorKind.Malformed, error.Kind);
        Assert.Contains($"LoRA module '{Module}' 'dora_scale' [3,3] fits neither the output axis ([4,1]) nor the input axis ([1,3])", error.Message);
    }

    [Fact]
    public void DeltaAndDoraLeaveNoLiveTensorsBehind()
    {
        using var weight = Random(41, 4, 3, 3, 3);
        using var lora = LoraFile.Open(Write(_temp, "leak.safetensors",
        [
            ("lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight", Random(42, 2, 3, 1, 1)),
            ("lora_unet_down_blocks_0_resnets_0_conv1.lora_mid.weight", Random(43, 2, 2, 3, 3)),
            ("lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight", Random(44, 4, 2, 1, 1)),
            ("lora_unet_down_blocks_0_resnets_0_conv1.dora_scale", Random(45, 4, 1, 1, 1).abs()),
        ]));
        var module = Assert.Single(lora.Modules);
        void Run()
        {
            using var delta = module.DeltaWeight(0.5, weight.shape);
            using var adjusted = module.ApplyDora(weight, delta, 0.5);
        }
        Run();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Run();
        Run();
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
