using CMLoRA.Engine.Composition;
using CMLoRA.Engine.Recipes;
using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;
using CMLoRA.Web.Collections;
using CMLoRA.Web.Generation;
using CMLoRA.Web.Jobs;
using CMLoRA.Web.Library;
using CMLoRA.Web.Studio;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using EngineCategory = CMLoRA.Engine.Composition.LoraCategory;

namespace CMLoRA.Web.Components.Pages;

public partial class Generate
{
    /// <summary>Prefill from a history image ("open in Generate").</summary>
    [SupplyParameterFromQuery(Name = "from")] public Guid? FromImage { get; set; }

    /// <summary>Prefill the LoRAs and method of a collection.</summary>
    [SupplyParameterFromQuery(Name = "collection")] public Guid? FromCollection { get; set; }

    [Inject] public required GenerationService Generation { get; init; }
    [Inject] public required ImageService Images { get; init; }
    [Inject] public required LibraryService Library { get; init; }
    [Inject] public required CollectionService Collections { get; init; }
    [Inject] public required CostEstimator Cost { get; init; }
    [Inject] public required RecipeRestore Restore { get; init; }
    [Inject] public required ModelCatalog Models { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>A LoRA of the picker, in the user's order.</summary>
    private sealed class Picked(LoraSummaryDto lora, double weight)
    {
        public LoraSummaryDto Lora { get; } = lora;
        public double Weight { get; set; } = weight;
    }

    public static readonly IReadOnlyList<(string Name, string Label)> Samplers =
        [("dpmpp2m", "DPM-Solver++ 2M"), ("euler", "Euler"), ("euler_a", "Euler a"), ("ddim", "DDIM")];

    public static readonly IReadOnlyList<(string Name, string Label)> Methods =
        [("cmlora", "CMLoRA"), ("composite", "Composite"), ("switch", "Switch"), ("merge", "Merge"), ("none", "None (base model only)")];

    private CurrentUser? _user;
    private string _prompt = "", _negative = "";
    private readonly List<Picked> _picked = [];
    private string _method = "cmlora", _sampler = "dpmpp2m";
    private int _steps = 20, _width = 512, _height = 512, _batch = 1, _clipSkip = 1;
    private double _cfg = 7.5;
    private bool _randomSeed = true, _karras;
    private long _seed = 42;
    private Visibility _visibility = Visibility.Private;

    private IReadOnlyList<PromptTag> _tags = [];
    private readonly Dictionary<string, LoraSummaryDto?> _byName = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<LoraSummaryDto> _completions = [];
    private MudAutocomplete<Guid?>? _loraPicker;
    private readonly Dictionary<Guid, LoraSummaryDto> _pickerLoras = [];
    private IReadOnlyList<CollectionSummaryDto> _collections = [];
    private SpeedCalibration? _speed;
    private IReadOnlyList<StudioModel> _models = [];
    private string? _model;
    private string _modelError = "";
    private readonly MethodOptionsForm _options = new();

    private List<string> _errors = [];
    private List<string> _importNotes = [];
    private string? _importError;
    private bool _busy;
    private Guid? _jobId;
    private IReadOnlyList<Guid> _finishedImages = [];
    private string? _endMessage;

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.Require((await AuthenticationState).User);
        _collections = await Collections.ListAsync(_user);
        _speed = await Cost.MeasuredSpeedAsync();
        _models = Models.List();
        var (model, error) = Models.Find(null);
        _model = model?.Name;
        _modelError = error ?? "";
        if (FromImage is { } imageId)
        {
            if (await Images.RerunRequestAsync(_user, imageId) is { } request) await ApplyAsync(request);
            else _importError = "That history image does not exist or is not shared with you.";
        }
        if (FromCollection is { } collectionId) await AddCollectionAsync(collectionId);
    }

    // ---- prompt and its <lora:…> tags ----

    private async Task PromptChangedAsync(string? text)
    {
        _prompt = text ?? "";
        await RefreshTagsAsync();
    }

    private async Task RefreshTagsAsync()
    {
        _tags = PromptTags.Find(_prompt);
        foreach (var tag in _tags.Where(t => t.Error is null && !_byName.ContainsKey(t.Name)))
        {
            var page = await Library.PageAsync(_user!, new LoraFilter { Search = tag.Name, PageSize = 50, Sort = LoraSort.Name });
            _byName[tag.Name] = page.Items.FirstOrDefault(l => string.Equals(l.Name, tag.Name, StringComparison.OrdinalIgnoreCase));
        }
        string? partial = PromptTags.OpenPartial(_prompt);
        _completions = partial is null
            ? []
            : (await Library.PageAsync(_user!, new LoraFilter { Search = partial.Length == 0 ? null : partial, PageSize = 8, Sort = LoraSort.Name })).Items;
    }

    private LoraSummaryDto? Resolve(PromptTag tag) => tag.Error is null ? _byName.GetValueOrDefault(tag.Name) : null;

    private async Task CompleteAsync(LoraSummaryDto lora)
    {
        _byName[lora.Name] = lora;
        _prompt = PromptTags.Complete(_prompt, lora.Name, lora.PreferredWeight);
        await RefreshTagsAsync();
    }

    private async Task TagWeightChangedAsync(PromptTag tag, double weight)
    {
        _prompt = PromptTags.SetWeight(_prompt, tag, weight);
        await RefreshTagsAsync();
    }

    private async Task RemoveTagAsync(PromptTag tag)
    {
        _prompt = PromptTags.Remove(_prompt, tag);
        await RefreshTagsAsync();
    }

    private void InsertTriggers(LoraSummaryDto lora)
    {
        var missing = lora.TriggerWords.Where(w => !_prompt.Contains(w, StringComparison.OrdinalIgnoreCase)).ToList();
        if (missing.Count == 0) return;
        string text = string.Join(", ", missing);
        _prompt = _prompt.TrimEnd().Length == 0 ? text : _prompt.TrimEnd().TrimEnd(',') + ", " + text;
        _tags = PromptTags.Find(_prompt);
    }

    // ---- the picker ----

    // The picker's items are library ids, not the summaries: MudAutocomplete keys its list items by item, and a summary
    // record (it holds lists) never equals the copy the next search returns, so every search (the one on focus, then the
    // debounced one for the typed text) replaced the list's elements. A click whose press landed on an element that was
    // replaced before the release reached no item and was lost. Ids are equal across searches, so the elements stay.
    private async Task<IEnumerable<Guid?>> SearchLorasAsync(string? text, CancellationToken cancellationToken)
    {
        var page = await Library.PageAsync(_user!, new LoraFilter { Search = text, PageSize = 20, Sort = LoraSort.Name }, cancellationToken);
        foreach (var lora in page.Items) _pickerLoras[lora.Id] = lora;
        return page.Items.Select(l => (Guid?)l.Id).ToList();
    }

    private string PickerName(Guid? id) => id is { } key && _pickerLoras.TryGetValue(key, out var lora) ? lora.Name : "";

    private async Task AddLoraAsync(Guid? id)
    {
        if (id is not { } key || !_pickerLoras.TryGetValue(key, out var lora)) return;
        if (_picked.All(p => p.Lora.Id != lora.Id))
        {
            _picked.Add(new Picked(lora, lora.PreferredWeight));
            if (_method == "none") _method = "cmlora";
        }
        // The picker only adds: it empties for the next LoRA (and picking the same LoRA again after removing it is a change).
        if (_loraPicker is not null) await _loraPicker.ClearAsync();
    }

    private void Move(int index, int delta)
    {
        int target = index + delta;
        if (target < 0 || target >= _picked.Count) return;
        (_picked[index], _picked[target]) = (_picked[target], _picked[index]);
    }

    private void RemoveLora(int index) => _picked.RemoveAt(index);

    private async Task AddCollectionAsync(Guid? id)
    {
        if (id is not { } collectionId) return;
        var collection = await Collections.GetAsync(_user!, collectionId);
        if (collection is null)
        {
            _importError = "That collection does not exist or is private to someone else.";
            return;
        }
        foreach (var item in collection.Items.Where(i => i.LoraId is not null && !i.Missing))
            if (await Library.GetAsync(_user!, item.LoraId!.Value) is { } lora && _picked.All(p => p.Lora.Id != lora.Id))
                _picked.Add(new Picked(Summary(lora), item.Weight));
        // The collection's method comes with its options (the Advanced fold shows them); a collection saved before options
        // were typed, or with options of another method, leaves the fold at the engine's defaults.
        if (RequestValidator.ParseMethod(collection.Method) is { } method)
        {
            _method = CompositionSettingsMapper.RequestName(method);
            _options.Load(method, collection.Options is { } options && options.Given.All(g => g == _method) ? options : null);
        }
    }

    // ---- seed, estimate ----

    private void RollSeed()
    {
        _randomSeed = false;
        _seed = Random.Shared.NextInt64(0, int.MaxValue);
    }

    /// <summary>The LoRAs that will run: the picker's, then tags of the prompt that are not in the picker.</summary>
    private List<LoraUse> ChosenLoras()
    {
        var uses = _picked.Select(p => new LoraUse(p.Lora.Id, p.Weight)).ToList();
        foreach (var tag in _tags)
            if (Resolve(tag) is { } lora && uses.All(u => u.LoraId != lora.Id))
                uses.Add(new LoraUse(lora.Id, tag.Weight));
        return uses;
    }

    private List<LoraSummaryDto> ChosenSummaries()
    {
        var list = _picked.Select(p => p.Lora).ToList();
        foreach (var tag in _tags)
            if (Resolve(tag) is { } lora && list.All(l => l.Id != lora.Id)) list.Add(lora);
        return list;
    }

    private GenerationCostEstimate? Estimate()
    {
        try
        {
            var slots = ChosenSummaries().Select(l => new LoraSlot(l.Name, Enum.TryParse<EngineCategory>(l.Category.ToString(), out var c) ? c : EngineCategory.Other)).ToList();
            return CostEstimator.Estimate(_method, slots, _steps, _cfg, _width, _height, _speed, MethodSettings());
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private GenerationRequest BuildRequest() => new()
    {
        Prompt = PromptTags.WithoutTags(_prompt), NegativePrompt = _negative.Trim(), Loras = ChosenLoras(), Method = _method,
        Options = MethodSettings(), Model = _model, Sampler = _sampler, Karras = KarrasApplies && _karras,
        Steps = _steps, Cfg = _cfg, Width = _width, Height = _height, Seed = _randomSeed ? -1 : _seed, BatchCount = _batch, ClipSkip = _clipSkip,
        Visibility = _visibility,
    };

    private List<string> TagErrors() =>
        _tags.Where(t => t.Error is not null).Select(t => t.Error!)
            .Concat(_tags.Where(t => t.Error is null && Resolve(t) is null).Select(t => $"LoRA tag {t.Text} names no LoRA in your library."))
            .ToList();

    // ---- queueing and the running job ----

    private async Task GenerateAsync()
    {
        _busy = true;
        try
        {
            var request = BuildRequest();
            _errors = TagErrors();
            _errors.AddRange(await Generation.ValidateAsync(_user!, request));
            if (_errors.Count > 0) return;
            var result = await Generation.SubmitAsync(_user!, request);
            if (!result.IsOk)
            {
                _errors = [result.Error ?? "The job was refused."];
                return;
            }
            _jobId = result.Value!.Id;
            _finishedImages = [];
            _endMessage = null;
            if (result.Value.Request?.Seed is { } seed && !_randomSeed) _seed = seed;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CancelAsync()
    {
        if (_jobId is not { } id) return;
        var result = await Generation.CancelAsync(_user!, id);
        if (!result.IsOk) _errors = [result.Error ?? "The job could not be cancelled."];
    }

    private async Task JobEndedAsync(JobEvent e)
    {
        switch (e)
        {
            case JobFinished finished:
                _finishedImages = finished.ImageIds;
                _speed = await Cost.MeasuredSpeedAsync();
                break;
            case JobFailed failed:
                _endMessage = "The job failed: " + failed.Reason;
                break;
            case JobCancelled:
                _endMessage = "The job was cancelled.";
                break;
        }
        StateHasChanged();
    }

    // ---- restoring settings ----

    private async Task PngDroppedAsync(InputFileChangeEventArgs e)
    {
        _importError = null;
        _importNotes = [];
        try
        {
            if (e.File.Size > RecipeRestore.MaxPngBytes)
            {
                _importError = $"{e.File.Name} is larger than {RecipeRestore.MaxPngBytes >> 20} MB.";
                return;
            }
            using var stream = e.File.OpenReadStream(RecipeRestore.MaxPngBytes);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            var restored = await Restore.FromPngAsync(_user!, buffer.ToArray());
            await ApplyAsync(restored.Request);
            _importNotes = [$"Settings restored from {e.File.Name}" + (restored.Complete ? " (complete recipe)." : "."), .. restored.Notes];
        }
        catch (RecipeFormatException ex)
        {
            _importError = $"{e.File.Name}: {ex.Message}";
        }
        catch (IOException ex)
        {
            _importError = $"{e.File.Name} could not be read: {ex.Message}";
        }
    }

    private async Task ApplyAsync(GenerationRequest request)
    {
        _prompt = request.Prompt;
        _negative = request.NegativePrompt;
        _picked.Clear();
        foreach (var use in request.Loras)
            if (await Library.GetAsync(_user!, use.LoraId) is { } lora)
                _picked.Add(new Picked(Summary(lora), use.Weight));
        _method = RequestValidator.ParseMethod(request.Method) is { } m ? m.ToString().ToLowerInvariant() : "cmlora";
        if (RequestValidator.ParseMethod(_method) is { } parsed) _options.Load(parsed, request.Options);
        if (request.Model is { } model && _models.Any(x => x.Available && x.Name == model))
        {
            _model = model;
            _modelError = "";
        }
        else if (request.Model is { } missing)
            _importNotes = [.. _importNotes, $"Model '{missing}' is not available in this studio; the default model is selected."];
        _sampler = Samplers.Any(s => s.Name == request.Sampler) ? request.Sampler : "dpmpp2m";
        _karras = request.Karras == true;
        _steps = request.Steps;
        _cfg = request.Cfg;
        _width = request.Width;
        _height = request.Height;
        _batch = Math.Max(1, request.BatchCount);
        _clipSkip = request.ClipSkip;
        _randomSeed = request.Seed is null or -1;
        if (request.Seed is { } seed and >= 0) _seed = seed;
        await RefreshTagsAsync();
    }

    private static LoraSummaryDto Summary(LoraDetailDto d) => new(d.Id, d.Name, d.Category, d.BaseModel, d.TriggerWords, d.Tags, d.OwnerId,
        d.OwnerName, d.Visibility, d.CreatedAt, 0, d.PreviewUrl, d.FileSize, d.Rank, d.AutoV2, d.PreferredWeight);

    private static string Seconds(double seconds) => seconds < 90 ? $"{seconds:0.#} s" : $"{seconds / 60:0.#} min";

    /// <summary>Whether the chosen sampler can use Karras sigmas (all but DDIM).</summary>
    private bool KarrasApplies => RequestValidator.SupportsKarras(_sampler);

    /// <summary>The Advanced fold's options of the chosen method.</summary>
    private CompositionSettings? MethodSettings() =>
        RequestValidator.ParseMethod(_method) is { } method ? _options.ToSettings(method) : null;
}
