using System.Text.Json;
using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Library;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace CMLoRA.Web.Components.Pages;

public partial class Library
{
    [Inject] public required LibraryService LibraryService { get; init; }
    [Inject] public required FolderImportService FolderImport { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private sealed record Message(bool Ok, string Text);
    private sealed class UploadState(string name) { public string Name { get; } = name; public double Percent { get; set; } public bool Done { get; set; } }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private CurrentUser? _user;
    private LoraFilter _filter = new();
    private LoraPageDto? _page;
    private IReadOnlyList<string> _baseModels = [];
    private IReadOnlyList<(string Id, string Name)> _owners = [];
    private readonly HashSet<Guid> _selected = [];
    private readonly List<Message> _messages = [];
    private readonly Dictionary<string, UploadState> _uploads = [];
    private Visibility _uploadVisibility = Visibility.Private;
    private ElementReference _fileInput;
    private IJSObjectReference? _module;
    private DotNetObjectReference<Library>? _self;
    private bool _showImport, _importRecursive, _busy;
    private string _importPath = "";

    private int PageCount => _page == null ? 0 : (int)Math.Ceiling(_page.Total / (double)_page.PageSize);
    private string NewCollectionHref => "collections/new?loras=" + string.Join(",", _selected);

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.Require((await AuthenticationState).User);
        await ReloadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Library.razor.js");
        _self = DotNetObjectReference.Create(this);
        await _module.InvokeVoidAsync("attachUploader", _fileInput, _self);
    }

    private async Task ReloadAsync()
    {
        _page = await LibraryService.PageAsync(_user!, _filter);
        _baseModels = await LibraryService.BaseModelsAsync(_user!);
        _owners = await LibraryService.OwnersAsync(_user!);
    }

    private Task SearchChangedAsync(string? text) => ApplyAsync(_filter with { Search = text });

    private async Task ApplyAsync(LoraFilter filter, bool keepPage = false)
    {
        _filter = keepPage ? filter : filter with { Page = 1 };
        _page = await LibraryService.PageAsync(_user!, _filter);
    }

    private void ToggleSelected(Guid id, bool selected)
    {
        if (selected) _selected.Add(id);
        else _selected.Remove(id);
    }

    [JSInvokable]
    public string UploadQuery() => $"visibility={_uploadVisibility}";

    [JSInvokable]
    public Task OnUploadStarted(string name) => InvokeAsync(() =>
    {
        _uploads[name] = new UploadState(name);
        StateHasChanged();
    });

    [JSInvokable]
    public Task OnUploadProgress(string name, double loaded, double total) => InvokeAsync(() =>
    {
        if (_uploads.TryGetValue(name, out var upload) && total > 0) upload.Percent = 100 * loaded / total;
        StateHasChanged();
    });

    [JSInvokable]
    public async Task OnUploadFinished(string name, int status, string body)
    {
        if (_uploads.TryGetValue(name, out var upload)) upload.Done = true;
        foreach (var message in Describe(status, body)) _messages.Add(message);
        await ReloadAsync();
        await InvokeAsync(StateHasChanged);
    }

    private static IEnumerable<Message> Describe(int status, string body)
    {
        if (status == 200)
        {
            var results = JsonSerializer.Deserialize<List<IngestResultDto>>(body, Json) ?? [];
            return results.Select(r => r.Duplicate
                ? new Message(true, $"{r.FileName} is already in the library as \"{r.Name}\".")
                : new Message(true, $"Added \"{r.Name}\" from {r.FileName}."));
        }
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.TryGetProperty("files", out var files))
                return files.EnumerateArray().Select(f => f.GetProperty("stored").GetBoolean()
                    ? new Message(true, $"Added \"{f.GetProperty("name").GetString()}\" from {f.GetProperty("fileName").GetString()}.")
                    : new Message(false, $"{f.GetProperty("fileName").GetString()} was refused: {f.GetProperty("error").GetString()}")).ToList();
            if (problem.RootElement.TryGetProperty("detail", out var detail))
                return [new Message(false, $"Upload refused: {detail.GetString()}")];
        }
        catch (JsonException)
        {
        }
        return [new Message(false, status == 0 ? body : $"Upload failed (HTTP {status}).")];
    }

    private async Task ImportFolderAsync()
    {
        _busy = true;
        try
        {
            var result = await FolderImport.ImportAsync(_user!, new FolderImportService.FolderImportRequest(_importPath.Trim(), _importRecursive));
            if (!result.IsOk)
            {
                Snackbar.Add(result.Error!, Severity.Error);
                return;
            }
            foreach (var r in result.Value!)
                _messages.Add(r.Stored
                    ? new Message(true, r.Duplicate ? $"{r.FileName} is already in the library." : $"Imported \"{r.Name}\" from {r.FileName}.")
                    : new Message(false, $"{r.FileName} was refused: {r.Error}"));
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module != null)
        {
            try { await _module.DisposeAsync(); }
            catch (JSDisconnectedException) { }
        }
        _self?.Dispose();
    }
}
