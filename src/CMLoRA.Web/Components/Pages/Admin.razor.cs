using CMLoRA.Web.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CMLoRA.Web.Components.Pages;

public partial class Admin
{
    [Inject] public required AccountService Accounts { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<AccountDto> _accounts = [];
    private NewAccount _new = Blank();
    private CurrentUser? _me;

    private static NewAccount Blank() => new();

    protected override async Task OnInitializedAsync()
    {
        _me = CurrentUser.From((await AuthenticationState).User);
        _accounts = await Accounts.ListAsync();
    }

    private async Task CreateAsync()
    {
        var result = await Accounts.CreateAsync(_new);
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        Snackbar.Add($"{result.Account!.Email} can now sign in.", Severity.Success);
        _new = Blank();
        _accounts = await Accounts.ListAsync();
    }

    private async Task ToggleDisabledAsync(AccountDto account)
    {
        var result = await Accounts.SetDisabledAsync(account.Id, !account.IsDisabled, _me!);
        Report(result, account.IsDisabled ? "enabled" : "disabled");
        _accounts = await Accounts.ListAsync();
    }

    private async Task ToggleRoleAsync(AccountDto account)
    {
        var result = await Accounts.SetRoleAsync(account.Id, account.Role == StudioRoles.Admin ? StudioRoles.Member : StudioRoles.Admin, _me!);
        Report(result, "updated");
        _accounts = await Accounts.ListAsync();
    }

    private void Report(AccountResult result, string verb)
    {
        if (result.Succeeded) Snackbar.Add($"{result.Account!.Email} {verb}.", Severity.Success);
        else Snackbar.Add(result.Error!, Severity.Error);
    }
}
