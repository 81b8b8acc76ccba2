using CMLoRA.Web.Accounts;
using CMLoRA.Web.Generation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CMLoRA.Web.Components.Pages;

public partial class Queue
{
    [Inject] public required GenerationService Generation { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private CurrentUser? _user;
    private IReadOnlyList<QueueEntryDto>? _lines;
    private string? _error;
    private Timer? _timer;
    private int _refreshing;
    private int _version;

    private List<QueueEntryDto> Waiting => _lines?.Where(l => l.Position > 0).OrderBy(l => l.Position).ToList() ?? [];

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.Require((await AuthenticationState).User);
        _lines = await Generation.QueueAsync(_user);
        // Positions, progress and ETAs change with every step; the page polls the service rather than each job's events.
        _timer = new Timer(_ => _ = InvokeAsync(RefreshAsync), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            await LoadAsync();
            StateHasChanged();
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _refreshing = 0;
        }
    }

    // Reads the queue; a read that started before a newer one (say a timer tick before a cancel) does not overwrite it.
    private async Task LoadAsync()
    {
        int version = ++_version;
        var lines = await Generation.QueueAsync(_user!);
        if (version == _version) _lines = lines;
    }

    private async Task CancelAsync(QueueEntryDto line)
    {
        var result = await Generation.CancelAsync(_user!, line.Id);
        if (!result.IsOk) _error = result.Error;
        // Always reload (not RefreshAsync, which skips while a timer tick is reading): the row goes at once.
        await LoadAsync();
    }

    /// <summary>Admins: the waiting jobs in their new order become the admin order.</summary>
    private async Task MoveAsync(QueueEntryDto line, int delta)
    {
        var order = Waiting.Select(l => l.Id).ToList();
        int index = order.IndexOf(line.Id), target = index + delta;
        if (index < 0 || target < 0 || target >= order.Count) return;
        (order[index], order[target]) = (order[target], order[index]);
        var result = await Generation.ReorderAsync(_user!, order);
        if (!result.IsOk) _error = result.Error;
        else
        {
            ++_version;
            _lines = result.Value;
        }
    }

    private static string Eta(double seconds) => seconds < 90 ? $"{seconds:0} s" : $"{seconds / 60:0.#} min";

    public void Dispose() => _timer?.Dispose();
}
