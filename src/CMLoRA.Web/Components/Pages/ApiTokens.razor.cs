using CMLoRA.Web.Accounts;
using CMLoRA.Web.ApiTokens;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CMLoRA.Web.Components.Pages;

/// <summary>The signed-in user's personal API tokens: create (the secret is shown once), list, revoke.</summary>
public partial class ApiTokens
{
    [Inject] public required ApiTokenService Tokens { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private CurrentUser? _user;
    private IReadOnlyList<ApiTokenDto> _tokens = [];
    private CreatedApiTokenDto? _created;
    private string _name = "";
    private string? _error;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _user = CurrentUser.Require((await AuthenticationState).User);
        _tokens = await Tokens.ListAsync(_user);
    }

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var result = await Tokens.CreateAsync(_user!, _name);
            if (!result.IsOk)
            {
                _error = result.Error;
                return;
            }
            _error = null;
            _created = result.Value;
            _name = "";
            _tokens = await Tokens.ListAsync(_user!);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevokeAsync(ApiTokenDto token)
    {
        var result = await Tokens.RevokeAsync(_user!, token.Id);
        _error = result.IsOk ? null : result.Error;
        if (_created?.Id == token.Id) _created = null;
        _tokens = await Tokens.ListAsync(_user!);
    }
}
