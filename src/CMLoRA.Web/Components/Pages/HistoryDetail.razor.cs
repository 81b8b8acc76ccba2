using CMLoRA.Engine.Recipes;
using CMLoRA.Engine.Sampling;
using CMLoRA.Storage;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Jobs;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CMLoRA.Web.Components.Pages;

public partial class HistoryDetail
{
    /// <summary>The image shown; its URL is the share link.</summary>
    [Parameter] public Guid Id { get; set; }

    [Inject] public required ImageService Images { get; init; }
    [Inject] public required GenerationService Generation { get; init; }
    [Inject] public required HistoryService HistoryService { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private CurrentUser? _user;
    private ImageDto? _image;
    private StoredRecipe? _recipe;
    private bool _denied, _busy;
    private string? _error;
    private IReadOnlyList<HistoryItem> _sameSeed = [];
    private HistoryItem? _compareWith;
    private Guid? _rerunJob, _rerunImage;

    private bool IsOwner => _image != null && _user != null && _image.OwnerId == _user.Id;
    private string ShareLink => Navigation.ToAbsoluteUri($"history/{Id}").ToString();

    protected override async Task OnParametersSetAsync()
    {
        _user ??= CurrentUser.Require((await AuthenticationState).User);
        _image = await Images.GetAsync(_user, Id);
        _denied = _image == null;
        _recipe = _image == null ? null : await Images.RecipeAsync(_user, Id);
        _sameSeed = _image == null ? [] : await HistoryService.SameSeedAsync(_user, Id);
        _compareWith = _sameSeed.FirstOrDefault();
        _rerunJob = null;
        _rerunImage = null;
        _error = null;
    }

    private async Task ToggleStarAsync() => await UpdateAsync(new ImageUpdate(Starred: !_image!.Starred));

    private async Task VisibilityChangedAsync(Visibility visibility) => await UpdateAsync(new ImageUpdate(Visibility: visibility));

    private async Task UpdateAsync(ImageUpdate update)
    {
        var result = await Images.UpdateAsync(_user!, Id, update);
        if (result.IsOk) _image = result.Value;
        else _error = result.Error;
    }

    /// <summary>Queues the stored recipe as it is: same seed, LoRAs by library id, weights and order, batch of one.</summary>
    private async Task RerunAsync()
    {
        _busy = true;
        try
        {
            var request = await Images.RerunRequestAsync(_user!, Id);
            if (request is null)
            {
                _error = "This image can no longer be re-run.";
                return;
            }
            var result = await Generation.SubmitAsync(_user!, request with { Visibility = IsOwner ? _image!.Visibility : Visibility.Private });
            if (!result.IsOk)
            {
                _error = result.Error;
                return;
            }
            _error = null;
            _rerunImage = null;
            _rerunJob = result.Value!.Id;
        }
        finally
        {
            _busy = false;
        }
    }

    private static string SamplerLabel(string sampler)
    {
        try
        {
            return SamplerNames.A1111Name(SamplerFactory.ParseName(sampler));
        }
        catch (ArgumentException)
        {
            return sampler;
        }
    }

    private Task RerunEndedAsync(JobEvent e)
    {
        if (e is JobFinished { ImageIds.Count: > 0 } finished) _rerunImage = finished.ImageIds[0];
        else if (e is JobFailed failed) _error = "The re-run failed: " + failed.Reason;
        StateHasChanged();
        return Task.CompletedTask;
    }
}
