using CMLoRA.Engine.Composition;
using static CMLoRA.Engine.Tests.Composition.PlanTable;

namespace CMLoRA.Engine.Tests.Composition;

public class ScheduleArgumentTests
{
    public static TheoryData<CompositionMethod> LoraMethods =>
        [CompositionMethod.Merge, CompositionMethod.Switch, CompositionMethod.Composite, CompositionMethod.CmLora];

    [Theory]
    [MemberData(nameof(LoraMethods))]
    public void EmptyCompositionIsRefused(CompositionMethod method)
    {
        var error = Assert.Throws<ArgumentException>(() => CompositionScheduleFactory.Create(method).Plan(0, 10, []));
        Assert.StartsWith($"{method} composition needs at least one LoRA; use method None for the base model.", error.Message);
    }

    [Theory]
    [MemberData(nameof(LoraMethods))]
    public void DuplicateIdsAreRefused(CompositionMethod method)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            CompositionScheduleFactory.Create(method).Plan(0, 10, [Character(), Clothing(), Character()]));
        Assert.StartsWith("LoRA 'character_1' appears twice; each LoRA may appear once in a composition.", error.Message);
    }

    [Theory]
    [MemberData(nameof(LoraMethods))]
    public void StepsOutsideTheRunAreRefused(CompositionMethod method)
    {
        var schedule = CompositionScheduleFactory.Create(method);
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Plan(10, 10, Loras(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Plan(-1, 10, Loras(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.Plan(0, 0, Loras(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.PlanRun(0, Loras(2)));
    }

    [Fact]
    public void BaseModelRefusesLoras()
    {
        var error = Assert.Throws<ArgumentException>(() => CompositionScheduleFactory.Create(CompositionMethod.None).Plan(0, 10, Loras(1)));
        Assert.StartsWith("Method None runs the base model and takes no LoRAs; choose a composition method.", error.Message);
    }

    [Fact]
    public void BlankIdsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => CompositionScheduleFactory.Create(CompositionMethod.Composite).Plan(0, 10, [new LoraSlot(" ")]));
    }
}
