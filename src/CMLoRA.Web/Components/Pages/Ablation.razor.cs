using CMLoRA.Web.Accounts;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CMLoRA.Web.Components.Pages;

/// <summary>
/// One-click ablation of a history image: the grid of the plan's cells, each with its image when made or the live
/// progress of its job. Nothing is stored about the ablation itself: a cell's image is the visible image with exactly its
/// recipe, so the grid survives restarts and shows images made by anyone the viewer may see.
/// </summary>
public partial class Ablation
{
    [Parameter] public Guid Id { get; set; }

    [Inject] public required HistoryService HistoryService { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private CurrentUser? _user;
    private AblationGrid? _grid;
    private bool _missing, _busy;
    private IReadOnlyList<string> _errors = [];
    private Timer? _timer;
    private int _refreshing;

    protected override async Task OnParametersSetAsync()
    {
        _user ??= CurrentUser.Require((await AuthenticationState).User);
        _grid = await HistoryService.AblationAsync(_user, Id);
        _missing = _grid == null;
        // Jobs finish one after the other; the grid looks for their images every two seconds while any is on the way.
        _timer ??= new Timer(_ => _ = InvokeAsync(RefreshAsync), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    private async Task RefreshAsync()
    {
        if (_grid == null || !_grid.Cells.Any(c => c.JobId != null && c.ImageId == null)) return;
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            _grid = await HistoryService.AblationAsync(_user!, Id) ?? _grid;
            StateHasChanged();
        }
        finally
        {
            _refreshing = 0;
        }
    }

    private async Task QueueAsync()
    {
        _busy = true;
        try
        {
            var (grid, errors) = await HistoryService.QueueAblationAsync(_user!, Id);
            _grid = grid ?? _grid;
            _errors = errors;
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
