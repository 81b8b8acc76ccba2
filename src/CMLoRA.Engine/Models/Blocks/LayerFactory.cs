using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// Creates the plain TorchSharp layers of a model on one device and dtype. Building on the meta device gives the
/// full module tree (names and shapes) without allocating weights; the default is CPU float32.
/// </summary>
public readonly record struct LayerFactory(Device? Device = null, ScalarType? DType = null)
{
    public static LayerFactory Cpu => new(null, null);

    public static LayerFactory Meta => new(torch.device("meta"), null);

    public Linear Linear(long inFeatures, long outFeatures, bool bias = true) =>
        nn.Linear(inFeatures, outFeatures, bias, Device, DType);

    public Conv2d Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0) =>
        nn.Conv2d(inChannels, outChannels, kernel, stride, padding, device: Device, dtype: DType);

    public GroupNorm GroupNorm(long groups, long channels, double eps) =>
        nn.GroupNorm(groups, channels, eps, affine: true, device: Device, dtype: DType);

    public LayerNorm LayerNorm(long features, double eps) =>
        nn.LayerNorm(features, eps, elementwise_affine: true, bias: true, device: Device, dtype: DType);
}
