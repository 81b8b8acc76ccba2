using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Collections;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Library;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CMLoRA.Web.Components.Pages;

public partial class CollectionEditor
{
    /// <summary>The collection edited; null on /collections/new.</summary>
    [Parameter] public Guid? Id { get; set; }

    /// <summary>On /collections/new: comma-separated LoRA ids picked in the library.</summary>
    [SupplyParameterFromQuery(Name = "loras")] public string? LoraIds { get; set; }

    [Inject] public required CollectionService Collections { get; init; }
    [Inject] public required LibraryService Library { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private sealed class FormModel
    {
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public string Method { get; set; } = CollectionMethods.CmLora;
        public string BaseModel { get; set; } = BaseModelNames.Sd1;
        public Visibility Visibility { get; set; } = Visibility.Private;
    }

    private sealed record ItemRow(Guid? LoraId, string Name, string? BaseModel, double Weight);

    private CurrentUser? _user;
    private CollectionDetailDto? _detail;
    private FormModel _form = new();
    private MethodOptionsForm _options = new();
    private List<ItemRow> _items = [];
    private PreflightReport? _preflight;
    private bool _loaded, _notFound, _isNew;
    private MudAutocomplete<Guid?>? _loraPicker;
    private readonly Dictionary<Guid, LoraSummaryDto> _pickerLoras = [];

    private bool CanEdit => _isNew || _detail?.CanEdit == true;

    /// <summary>The collection's method as requests name it (cmlora, composite, switch, merge).</summary>
    private string RequestMethod => _form.Method.ToLowerInvariant();

    private CompositionSettings? Settings() =>
        RequestValidator.ParseMethod(_form.Method) is { } method ? _options.ToSettings(method) : null;

    /// <summary>What saving would refuse the options with (the generation request's messages), shown as the user edits.</summary>
    private IReadOnlyList<string> OptionErrors =>
        RequestValidator.ParseMethod(_form.Method) is { } method ? CompositionSettingsValidator.Validate(method, Settings()) : [];

    protected override async Task OnParametersSetAsync()
    {
        _user ??= CurrentUser.Require((await AuthenticationState).User);
        _isNew = Id == null;
        if (_isNew)
        {
            _detail = null;
            _form = new FormModel { Name = "New collection" };
            _options = new MethodOptionsForm();
            _items = [];
            foreach (string part in (LoraIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                if (Guid.TryParse(part, out var loraId) && await Library.GetAsync(_user, loraId) is { } lora)
                    _items.Add(new ItemRow(lora.Id, lora.Name, lora.BaseModel, lora.PreferredWeight));
            if (_items.Count > 0) _form.BaseModel = _items.GroupBy(i => i.BaseModel).OrderByDescending(g => g.Count()).First().Key ?? BaseModelNames.Sd1;
            await RefreshPreflightAsync();
        }
        else
        {
            Show(await Collections.GetAsync(_user, Id!.Value));
        }
        _loaded = true;
    }

    private void Show(CollectionDetailDto? detail)
    {
        _detail = detail;
        _notFound = detail == null;
        if (detail == null) return;
        _form = new FormModel
        {
            Name = detail.Name, Description = detail.Description, Method = detail.Method, BaseModel = detail.BaseModel,
            Visibility = detail.Visibility,
        };
        _options = new MethodOptionsForm();
        if (RequestValidator.ParseMethod(detail.Method) is { } method && detail.Options is { } options && options.Given.All(g => g == RequestMethod))
            _options.Load(method, options);
        _items = detail.Items.Select(i => new ItemRow(i.Missing ? null : i.LoraId, i.LoraName, i.BaseModel, i.Weight)).ToList();
        _preflight = detail.Preflight;
    }

    private CollectionInput Input() => new()
    {
        Name = _form.Name, Description = _form.Description, Method = _form.Method, BaseModel = _form.BaseModel, Visibility = _form.Visibility,
        Options = Settings(),
        Items = _items.Where(i => i.LoraId != null).Select(i => new CollectionItemInput(i.LoraId!.Value, i.Weight)).ToList(),
    };

    private async Task RefreshPreflightAsync()
    {
        var report = await Collections.PreflightAsync(_user!, Input());
        // Items whose LoRA is gone cannot be checked again; say so, and that saving drops them.
        var missing = _items.Where(i => i.LoraId == null)
            .Select(i => new PreflightIssue(PreflightSeverity.Warning, $"“{i.Name}” is missing: it is no longer in your library; saving removes it."));
        _preflight = report with { Issues = [.. missing, .. report.Issues] };
    }

    // Ids, not summaries, are the picker's items so that its list elements survive a new search (see Generate's picker):
    // a click landing while a search result replaced them was lost.
    private async Task<IEnumerable<Guid?>> SearchLorasAsync(string? text, CancellationToken cancellationToken)
    {
        var page = await Library.PageAsync(_user!, new LoraFilter { Search = text, PageSize = 20, Sort = LoraSort.Name }, cancellationToken);
        foreach (var lora in page.Items) _pickerLoras[lora.Id] = lora;
        return page.Items.Select(l => (Guid?)l.Id).ToList();
    }

    private string PickerName(Guid? id) => id is { } key && _pickerLoras.TryGetValue(key, out var lora) ? lora.Name : "";

    private async Task AddAsync(Guid? id)
    {
        if (id is not { } key || !_pickerLoras.TryGetValue(key, out var lora)) return;
        _items.Add(new ItemRow(lora.Id, lora.Name, lora.BaseModel, lora.PreferredWeight));
        // The picker only adds: it empties for the next LoRA (and picking the same one again is a change it reports).
        if (_loraPicker is not null) await _loraPicker.ClearAsync();
        await RefreshPreflightAsync();
    }

    private async Task RemoveAsync(int index)
    {
        _items.RemoveAt(index);
        await RefreshPreflightAsync();
    }

    private async Task MoveAsync(int index, int delta)
    {
        (_items[index], _items[index + delta]) = (_items[index + delta], _items[index]);
        await RefreshPreflightAsync();
    }

    private async Task WeightChangedAsync(int index, double weight)
    {
        _items[index] = _items[index] with { Weight = weight };
        await RefreshPreflightAsync();
    }

    private async Task BaseModelChangedAsync(string baseModel)
    {
        _form.BaseModel = baseModel;
        await RefreshPreflightAsync();
    }

    private async Task SaveAsync()
    {
        var result = _isNew ? await Collections.CreateAsync(_user!, Input()) : await Collections.UpdateAsync(_user!, Id!.Value, Input());
        if (!result.IsOk)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        Snackbar.Add($"Saved “{result.Value!.Name}” as version {result.Value.Version}.", Severity.Success);
        if (_isNew) Navigation.NavigateTo($"collections/{result.Value.Id}");
        else Show(result.Value);
    }

    private async Task DuplicateAsync()
    {
        var result = await Collections.DuplicateAsync(_user!, Id!.Value);
        if (!result.IsOk)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        Snackbar.Add($"Created “{result.Value!.Name}”.", Severity.Success);
        Navigation.NavigateTo($"collections/{result.Value.Id}");
    }

    private async Task DeleteAsync()
    {
        Guid id = Id!.Value;
        string name = _form.Name;
        var result = await Collections.SetDeletedAsync(_user!, id, true);
        if (!result.IsOk)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        var user = _user!;
        Snackbar.Add($"Deleted “{name}”.", Severity.Normal, config =>
        {
            config.Action = "Undo";
            config.VisibleStateDuration = 10_000;
            config.OnClick = async _ =>
            {
                await Collections.SetDeletedAsync(user, id, false);
                Navigation.NavigateTo($"collections/{id}");
            };
        });
        Navigation.NavigateTo("collections");
    }
}
