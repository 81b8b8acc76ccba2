using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Collections;
using CMLoRA.Web.Library;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CMLoRA.Web.Components.Pages;

public partial class History
{
    [Inject] public required HistoryService HistoryService { get; init; }
    [Inject] public required LibraryService Library { get; init; }
    [Inject] public required CollectionService Collections { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The methods as images store them.</summary>
    private static readonly string[] MethodNames = ["None", "Merge", "Switch", "Composite", "CmLora"];

    private CurrentUser? _user;
    private HistoryFilter _filter = new();
    private HistoryPage? _page;
    private IReadOnlyList<(string Id, string Name)> _owners = [];
    private IReadOnlyList<CollectionSummaryDto> _collections = [];
    private LoraSummaryDto? _lora;
    private DateRange? _range;

    private int PageCount => _page == null ? 0 : (int)Math.Ceiling(_page.Total / (double)_page.PageSize);

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.Require((await AuthenticationState).User);
        _owners = await HistoryService.OwnersAsync(_user);
        _collections = await Collections.ListAsync(_user);
        _page = await HistoryService.GalleryAsync(_user, _filter);
    }

    private async Task ApplyAsync(HistoryFilter filter, bool keepPage = false)
    {
        _filter = keepPage ? filter : filter with { Page = 1 };
        _page = await HistoryService.GalleryAsync(_user!, _filter);
    }

    private async Task<IEnumerable<LoraSummaryDto>> SearchLorasAsync(string? text, CancellationToken cancellationToken) =>
        (await Library.PageAsync(_user!, new LoraFilter { Search = text, PageSize = 20, Sort = LoraSort.Name }, cancellationToken)).Items;

    private Task LoraChangedAsync(LoraSummaryDto? lora)
    {
        _lora = lora;
        return ApplyAsync(_filter with { LoraId = lora?.Id });
    }

    private Task RangeChangedAsync(DateRange? range)
    {
        _range = range;
        return ApplyAsync(_filter with { From = range?.Start, To = range?.End });
    }
}
