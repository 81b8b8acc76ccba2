using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;

namespace CMLoRA.Engine.Tests.Recipes;

public class AblationPlanTests
{
    [Fact]
    public void TwoLorasGiveFiveMethodCellsAndTwoLeaveOneOutCells()
    {
        var recipe = RecipeSamples.TwoLoras();
        var plan = AblationPlan.For(recipe);
        Assert.Equal(
        [
            ("base", "Base model (no LoRA)", 0, 0, CompositionMethod.None, 0, false),
            ("method:merge", "Merge", 0, 1, CompositionMethod.Merge, 2, false),
            ("method:switch", "Switch", 0, 2, CompositionMethod.Switch, 2, false),
            ("method:composite", "Composite", 0, 3, CompositionMethod.Composite, 2, false),
            ("method:cmlora", "CMLoRA", 0, 4, CompositionMethod.CmLora, 2, true),
            ("without:Alice", "without Alice", 1, 0, CompositionMethod.CmLora, 1, false),
            ("without:garden, night", "without garden, night", 1, 1, CompositionMethod.CmLora, 1, false),
        ], plan.Select(e => (e.Key, e.Label, e.Row, e.Column, e.Method, e.Recipe.Loras.Count, e.IsOriginal)));

        Assert.All(plan, e => Assert.Equal((recipe.Seed, recipe.Prompt, recipe.Steps, recipe.Model), (e.Recipe.Seed, e.Recipe.Prompt, e.Recipe.Steps, e.Recipe.Model)));
        Assert.All(plan, e => Assert.Equal(e.Method, e.Recipe.Options!.Method));
        Assert.All(plan, e => Assert.Null(e.Recipe.Stats));
        // The recipe's own options follow its method; the other methods get their defaults.
        Assert.Equal(recipe.Options, plan.Single(e => e.Key == "without:Alice").Recipe.Options);
        Assert.Equal(new MergeOptions(), plan.Single(e => e.Key == "method:merge").Recipe.Options);
        Assert.Equal(["garden, night"], plan.Single(e => e.Key == "without:Alice").Recipe.Loras.Select(l => l.Name));
        Assert.Equal(("Alice", AblationKind.LeaveOneOut), (plan[5].OmittedLora, plan[5].Kind));
    }

    [Fact]
    public void LeavingOutTheOnlyLoraIsTheBaseModel()
    {
        var recipe = RecipeSamples.TwoLoras() with { Loras = [RecipeSamples.TwoLoras().Loras[0]], Method = CompositionMethod.Merge, Options = new MergeOptions() };
        var plan = AblationPlan.For(recipe);
        var last = plan[^1];
        Assert.Equal(("without:Alice", CompositionMethod.None, "base", 0), (last.Key, last.Method, last.DuplicateOf, last.Recipe.Loras.Count));
        Assert.True(plan.Single(e => e.Key == "method:merge").IsOriginal);

        var withoutBase = AblationPlan.For(recipe, includeBaseModel: false);
        Assert.Equal(5, withoutBase.Count);
        Assert.Equal(0, withoutBase[0].Column);
        Assert.Null(withoutBase[^1].DuplicateOf);
    }

    [Fact]
    public void FourLorasGiveFourLeaveOneOutCellsInUserOrder()
    {
        var a = RecipeSamples.TwoLoras().Loras[0];
        var recipe = RecipeSamples.TwoLoras() with { Loras = [a, a with { Name = "b" }, a with { Name = "c" }, a with { Name = "d" }], Method = CompositionMethod.Composite, Options = new CompositeOptions { BatchAdapters = false } };
        var leaveOut = AblationPlan.For(recipe).Where(e => e.Kind == AblationKind.LeaveOneOut).ToList();
        Assert.Equal(["Alice", "b", "c", "d"], leaveOut.Select(e => e.OmittedLora));
        Assert.All(leaveOut, e => Assert.Equal(3, e.Recipe.Loras.Count));
        Assert.All(leaveOut, e => Assert.Equal(new CompositeOptions { BatchAdapters = false }, e.Recipe.Options));
        Assert.Equal(["Alice", "b", "d"], leaveOut[2].Recipe.Loras.Select(l => l.Name));
    }

    [Fact]
    public void ARecipeWithoutLorasIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => AblationPlan.For(RecipeSamples.TwoLoras() with { Loras = [] }));
        Assert.StartsWith("An ablation needs a recipe with at least one LoRA.", e.Message);
    }
}
