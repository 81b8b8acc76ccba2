using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Library;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;
using MudBlazor;

namespace CMLoRA.Web.Components.Pages;

public partial class LoraDetail
{
    /// <summary>The LoRA shown.</summary>
    [Parameter] public Guid Id { get; set; }

    [Inject] public required LibraryService LibraryService { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private sealed class EditModel
    {
        public string Name { get; set; } = "";
        public LoraCategory Category { get; set; }
        public double PreferredWeight { get; set; }
        public Visibility Visibility { get; set; }
        public string TriggerWords { get; set; } = "";
        public string Tags { get; set; } = "";
        public string Description { get; set; } = "";
        public string Notes { get; set; } = "";
    }

    private CurrentUser? _user;
    private LoraDetailDto? _lora;
    private EditModel _edit = new();
    private bool _notFound;

    private IEnumerable<(string Label, string Value)> Hashes =>
    [
        ("SHA-256", _lora!.Sha256),
        ("AutoV2", _lora.AutoV2),
        ("AutoV3", _lora.AutoV3Short),
        ("AutoV3 (full)", _lora.AutoV3),
    ];

    protected override async Task OnParametersSetAsync()
    {
        _user ??= CurrentUser.Require((await AuthenticationState).User);
        Show(await LibraryService.GetAsync(_user, Id));
    }

    private void Show(LoraDetailDto? lora)
    {
        _lora = lora;
        _notFound = lora == null;
        if (lora == null) return;
        _edit = new EditModel
        {
            Name = lora.Name, Category = lora.Category, PreferredWeight = lora.PreferredWeight, Visibility = lora.Visibility,
            TriggerWords = string.Join(", ", lora.TriggerWords), Tags = string.Join(", ", lora.Tags), Description = lora.Description, Notes = lora.Notes,
        };
    }

    private void AddTriggerWord(string word)
    {
        var words = WordLists.Split(_edit.TriggerWords).ToList();
        if (!words.Contains(word, StringComparer.OrdinalIgnoreCase)) words.Add(word);
        _edit.TriggerWords = string.Join(", ", words);
    }

    private async Task SaveAsync()
    {
        var update = new LoraUpdate
        {
            Name = _edit.Name,
            Category = _edit.Category,
            PreferredWeight = _edit.PreferredWeight,
            TriggerWords = WordLists.Split(_edit.TriggerWords).ToList(),
            Tags = WordLists.Split(_edit.Tags).ToList(),
            Description = _edit.Description,
            Notes = _edit.Notes,
            Visibility = _lora!.CanManage ? _edit.Visibility : null,
        };
        var result = await LibraryService.UpdateAsync(_user!, Id, update);
        if (!result.IsOk)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        Show(result.Value);
        Snackbar.Add("Saved.", Severity.Success);
    }

    private async Task SetPreviewAsync(InputFileChangeEventArgs change)
    {
        var file = change.File;
        await using var stream = file.OpenReadStream(PreviewImages.MaxImageBytes);
        var result = await LibraryService.SetPreviewAsync(_user!, Id, stream);
        if (!result.IsOk) Snackbar.Add(result.Error!, Severity.Error);
        else Show(result.Value);
    }

    private async Task CopyAsync(string label, string value)
    {
        await JS.InvokeVoidAsync("navigator.clipboard.writeText", value);
        Snackbar.Add($"{label} copied.", Severity.Info);
    }

    private async Task DeleteAsync()
    {
        bool? confirmed = await Dialogs.ShowMessageBoxAsync("Delete this LoRA?",
            $"\"{_lora!.Name}\" will be removed from the library for everyone. Collections that use it will warn that it is missing.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        var result = await LibraryService.DeleteAsync(_user!, Id);
        if (!result.IsOk)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        Snackbar.Add($"Deleted \"{_lora.Name}\".", Severity.Success);
        Navigation.NavigateTo("library");
    }

    private static string Shorten(string text, int max = 600) => text.Length <= max ? text : text[..max] + "…";
}
