using CMLoRA.Engine.Models.Clip;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Models.Clip;

public class CLIPTextModelMemoryTests
{
    [Fact]
    public void EncodingLeavesNoLiveTensorsBehind()
    {
        using var model = CLIPTextModelConformanceTests.LoadTiny("diffusers");
        using var ids = randint(0, 1000, [2, 77], ScalarType.Int64);
        using (model.Encode(ids, outputHiddenStates: true)) { } // warm-up

        DisposeScopeManager.Statistics.Reset();
        for (int i = 0; i < 3; i++)
        {
            using (model.Encode(ids, outputHiddenStates: true)) { }
            using (model.Encode(ids)) { }
            using (model.EncodePrompt(ids, clipSkip: 2)) { }
            using (no_grad())
            using (model.forward(ids)) { }
        }
        Assert.Equal(0, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
