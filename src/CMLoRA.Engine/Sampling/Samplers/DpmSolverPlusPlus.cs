using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Sampling.Samplers;

/// <summary>
/// The update rules of DPM-Solver++ (Lu et al., "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion
/// Probabilistic Models", 2022): eq. 5 (first order, the DDIM step in data prediction) and Algorithm 2 (multistep
/// second order) with the midpoint choice D1 = (x̂₀ₖ − x̂₀ₖ₋₁)/r₀ weighted ½, as CMLoRA spec §1.2 writes them.
/// Pure functions over a VP schedule given by σ (α = 1/√(σ²+1), σ_t = σ·α, λ = ln α − ln σ_t). Scalar
/// coefficients are float32, computed in the reference's operation order.
/// </summary>
public static class DpmSolverPlusPlus
{
    /// <summary>(α_t, σ_t) of the VP process whose VE noise level is <paramref name="sigma"/>.</summary>
    public static (float Alpha, float SigmaT) AlphaSigma(float sigma)
    {
        float alpha = 1f / MathF.Sqrt(sigma * sigma + 1f);
        return (alpha, sigma * alpha);
    }

    /// <summary>Half the log-SNR: λ = ln α_t − ln σ_t (+∞ at σ = 0).</summary>
    public static float Lambda(float alpha, float sigmaT) => MathF.Log(alpha) - MathF.Log(sigmaT);

    /// <summary>The data prediction x̂₀ from the model output at noise level <paramref name="sigma"/>.</summary>
    public static Tensor DataPrediction(Tensor modelOutput, Tensor sample, float sigma, PredictionType prediction)
    {
        var (alpha, sigmaT) = AlphaSigma(sigma);
        if (prediction == PredictionType.VPrediction)
        {
            using var signal = sample.Times(alpha);
            using var noise = modelOutput.Times(sigmaT);
            return signal - noise;
        }
        using var scaledNoise = modelOutput.Times(sigmaT);
        using var difference = sample - scaledNoise;
        return difference.DividedBy(alpha);
    }

    /// <summary>First order: x_t = (σ_t/σ_s)·x − α_t(e^{−h} − 1)·x̂₀, h = λ_t − λ_s.</summary>
    public static Tensor FirstOrderUpdate(Tensor sample, Tensor x0, float sigmaS, float sigmaT)
    {
        var (alphaT, sT) = AlphaSigma(sigmaT);
        var (alphaS, sS) = AlphaSigma(sigmaS);
        float h = Lambda(alphaT, sT) - Lambda(alphaS, sS);
        using var kept = sample.Times(sT / sS);
        using var denoised = x0.Times(alphaT * (MathF.Exp(-h) - 1f));
        return kept - denoised;
    }

    /// <summary>
    /// Second order (midpoint): with h = λ_t − λ_s0, h₀ = λ_s0 − λ_s1, r₀ = h₀/h, D0 = x̂₀ₖ, D1 = (1/r₀)(x̂₀ₖ − x̂₀ₖ₋₁):
    /// x_t = (σ_t/σ_s0)·x − α_t(e^{−h} − 1)·D0 − ½·α_t(e^{−h} − 1)·D1.
    /// </summary>
    public static Tensor SecondOrderMidpointUpdate(Tensor sample, Tensor x0, Tensor previousX0, float sigmaPrevious, float sigmaS, float sigmaT)
    {
        var (alphaT, sT) = AlphaSigma(sigmaT);
        var (alphaS0, sS0) = AlphaSigma(sigmaS);
        var (alphaS1, sS1) = AlphaSigma(sigmaPrevious);
        float lambdaT = Lambda(alphaT, sT), lambdaS0 = Lambda(alphaS0, sS0), lambdaS1 = Lambda(alphaS1, sS1);
        float h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1;
        float r0 = h0 / h;
        float coefficient = alphaT * (MathF.Exp(-h) - 1f);
        using var change = x0 - previousX0;
        using var d1 = change.Times(1f / r0);
        using var kept = sample.Times(sT / sS0);
        using var first = x0.Times(coefficient);
        using var second = d1.Times(0.5f * coefficient);
        using var partial = kept - first;
        return partial - second;
    }
}
