using CMLoRA.TestSupport;
using CMLoRA.TestSupport.Progress;

namespace CMLoRA.Web.Tests.Progress;

/// <summary>
/// The model-loading phase as the hub reports it: a job whose base model is not the loaded one gets a typed
/// JobModelLoading event (with the model's listed name) between JobStarted and its first step; a job on the model already
/// loaded gets none.
/// </summary>
[Collection(GenerationCollection.Name)]
public class ModelLoadingEventTests(GenerationFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static Dictionary<string, object?> OnModel(string model, long seed)
    {
        var request = JobClient.TinyRequest(steps: 3, seed: seed);
        request["model"] = model;
        return request;
    }

    [Fact]
    public async Task LoadingEventComesBetweenStartedAndTheFirstStepOnlyWhenTheModelMustBeLoadedAsync()
    {
        await using var owner = await ProgressClient.ConnectAsync(fixture.Alice);
        // The worker runs Alice's jobs in order: the copy first (loaded or not, whatever ran before), then the default
        // model, which must then be loaded again, then the default model once more, which is loaded by then.
        Guid copy = await JobClient.SubmitAsync(fixture.Alice.Http, OnModel("tiny-copy", 11));
        Guid reload = await JobClient.SubmitAsync(fixture.Alice.Http, OnModel("tiny-model", 12));
        Guid loaded = await JobClient.SubmitAsync(fixture.Alice.Http, OnModel("tiny-model", 13));

        await owner.WaitForEndAsync(copy, Timeout);
        var reloadEvents = await owner.WaitForEndAsync(reload, Timeout);
        var loadedEvents = await owner.WaitForEndAsync(loaded, Timeout);

        Assert.Equal(["JobStarted", "JobModelLoading tiny-model", "JobStep 1", "JobStep 2", "JobStep 3", "JobFinished"],
            reloadEvents.SkipWhile(e => e is JobQueued).Select(Describe));
        var loading = Assert.Single(reloadEvents.OfType<JobModelLoading>());
        string aliceId = (await JobClient.GetAsync(fixture.Alice.Http, reload)).GetProperty("ownerId").GetString()!;
        Assert.Equal((reload, aliceId), (loading.JobId, loading.OwnerId));
        Assert.NotNull(loading.PublishedUtc);
        Assert.True(loading.PublishedUtc <= reloadEvents.OfType<JobStep>().First().PublishedUtc, "the loading event was published after the first step");

        Assert.Equal(["JobStarted", "JobStep 1", "JobStep 2", "JobStep 3", "JobFinished"],
            loadedEvents.SkipWhile(e => e is JobQueued).Select(Describe));

        // Whatever the copy's job did, any loading event it got names its own model and precedes its steps.
        var copyEvents = owner.EventsOf(copy).SkipWhile(e => e is JobQueued).ToList();
        Assert.IsType<JobStarted>(copyEvents[0]);
        if (copyEvents[1] is JobModelLoading copyLoading) Assert.Equal("tiny-copy", copyLoading.Model);
        Assert.DoesNotContain(copyEvents.Skip(2), e => e is JobModelLoading);
    }

    private static string Describe(JobEvent e) => e switch
    {
        JobModelLoading loading => $"JobModelLoading {loading.Model}",
        _ => ProgressHubAuthorizationTests.Describe(e),
    };
}
