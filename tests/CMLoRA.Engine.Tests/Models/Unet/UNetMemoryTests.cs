using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Unet;

public class UNetMemoryTests(TinyUnetFixture tiny) : IClassFixture<TinyUnetFixture>
{
    [Fact]
    public void ForwardLeavesNoLiveTensorsBehind()
    {
        using var guard = no_grad();
        using var latents = tiny.Inputs.ReadTensor("unet_latents");
        using var context = tiny.Inputs.ReadTensor("unet_encoder_hidden_states");
        using var t = tensor(333.5f);
        tiny.Unet.call(latents, t, context).Dispose(); // warm-up: lazily created state is not a leak

        DisposeScopeManager.Statistics.Reset();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            using var prediction = tiny.Unet.call(latents, t, context);
            Assert.Equal(latents.shape, prediction.shape);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.True(DisposeScopeManager.Statistics.CreatedInScopeCount > 0, "the forward should allocate inside scopes");
    }
}
