using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Composition.Schedules;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

/// <summary>
/// Spec Appendix A (offline pipeline, T = 220, c = 2). With non-dominant refreshes and the age bound switched off, the
/// early phase must match the reference exactly; the late phase differs by the deliberate fixes of spec 9.4/9.5 and
/// the full late rotation, which these tests pin as well.
/// </summary>
public class CmLoraReferenceVectorTests
{
    private static readonly CmLoraOptions ReferenceLike = new()
    {
        DominantRefresh = RefreshSpec.Uniform(2),
        NonDominantRefresh = RefreshSpec.Uniform(1000),
        MaxAge = 1000,
    };

    [Fact]
    public void CharacterAndClothingAlternateWithPeriodFour()
    {
        var plans = new CmLoraSchedule(ReferenceLike).PlanRun(220, [Character(), Clothing()]);
        var ages = Ages(plans, 2);
        // Appendix A: steps 0..4 give ages [0,0] [1,1] [2,0] [3,1] [0,2]; from step 4 the pattern repeats every 4 steps.
        int[][] firstSteps = [[0, 0], [1, 1], [2, 0], [3, 1]];
        int[][] period = [[0, 2], [1, 3], [2, 0], [3, 1]];
        for (int step = 0; step < 220; step++)
        {
            Assert.Equal(step % 4 < 2 ? 0 : 1, plans[step].DominantLora);
            Assert.Equal(step < 4 ? firstSteps[step] : period[step % 4], ages[step]);
        }
        Assert.Equal(1.2 / 2, plans[0].RunFor(0)!.NoiseWeight, 15);
        Assert.Equal(0.8 / 2, plans[0].RunFor(1)!.NoiseWeight, 15);
    }

    [Fact]
    public void FiveLorasMatchTheReferenceUpToStep120()
    {
        // Caller order [character, clothing, style, background, object]; adapters order character, clothing, style, object, background.
        var loras = Loras(5);
        var plans = new CmLoraSchedule(ReferenceLike).PlanRun(220, loras);
        var ages = Ages(plans, 5);

        Assert.Equal("RRRRR", Flags(plans[0], 5));
        int[] adapterOrder = [0, 1, 2, 4]; // caller indices of character, clothing, style, object
        for (int step = 0; step <= 120; step += 2)
        {
            int dominant = adapterOrder[step / 2 % 4];
            Assert.Equal(dominant, plans[step].DominantLora);
            Assert.Equal(dominant, plans[step + 1].DominantLora);
            if (step > 0)
                Assert.Equal(new string(Enumerable.Range(0, 5).Select(i => i == dominant ? 'R' : '-').ToArray()), Flags(plans[step], 5));
            Assert.Equal("-----", Flags(plans[step + 1], 5));
        }
        // Spec Appendix A at step 120, in adapters order [0, 6, 4, 2, 120]; here in caller order.
        Assert.Equal([0, 6, 4, 120, 2], ages[120]);
        Assert.Equal(2.6471 / 5, plans[120].RunFor(0)!.NoiseWeight, 4);
        Assert.Equal(0.5882 / 5, plans[120].RunFor(3)!.NoiseWeight, 4);
    }

    [Fact]
    public void LatePhaseRotatesOverEveryLoraAndKeepsRefreshing()
    {
        var plans = new CmLoraSchedule(ReferenceLike).PlanRun(220, Loras(5));
        Assert.Equal(CompositionPhase.Early, plans[120].Phase);
        Assert.Equal(CompositionPhase.Late, plans[121].Phase);
        // The reference hands over to clothing at step 121 and never refreshes again; here dominance keeps to even
        // steps and continues character → clothing → style → object → background.
        Assert.Equal("L0:-----", CmLoraRow(plans[121], 5));
        Assert.Equal("L1:-R---", CmLoraRow(plans[122], 5));
        Assert.Equal("L2:--R--", CmLoraRow(plans[124], 5));
        Assert.Equal("L4:----R", CmLoraRow(plans[126], 5));
        Assert.Equal("L3:---R-", CmLoraRow(plans[128], 5));
        Assert.Equal("L0:R----", CmLoraRow(plans[130], 5));
    }

    [Fact]
    public void CharacterAndBackgroundShareDominanceOnlyInTheLatePhase()
    {
        var plans = new CmLoraSchedule(ReferenceLike).PlanRun(220, Loras(2));
        var ages = Ages(plans, 2);
        for (int step = 0; step <= 120; step++)
        {
            Assert.Equal(0, plans[step].DominantLora);
            Assert.Equal([step % 2, step], ages[step]); // character refreshed at even steps, background only at 0
        }
        // Reference: background dominant on 121..219, nothing refreshed. Here: alternation every 2 steps from 122.
        Assert.Equal(0, plans[121].DominantLora);
        Assert.Equal("L1:-R", CmLoraRow(plans[122], 2));
        Assert.Equal("L0:R-", CmLoraRow(plans[124], 2));
        Assert.Equal("L1:-R", CmLoraRow(plans[218], 2));
    }
}
