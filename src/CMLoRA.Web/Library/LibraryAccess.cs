using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.Web.Accounts;

namespace CMLoRA.Web.Library;

/// <summary>
/// Who may do what with a library LoRA. Team LoRAs are shared knowledge: any member may improve their trigger words,
/// tags and notes (every edit is attributed). Visibility, preview-independent deletion and private LoRAs stay with
/// the owner and the admins.
/// </summary>
public static class LibraryAccess
{
    public static bool CanView(CurrentUser user, LibraryLora lora) =>
        user.IsAdmin || lora.OwnerId == user.Id || lora.Visibility == Visibility.Team;

    public static bool CanEdit(CurrentUser user, LibraryLora lora) => CanView(user, lora);

    public static bool CanManage(CurrentUser user, LibraryLora lora) => user.IsAdmin || lora.OwnerId == user.Id;
}
