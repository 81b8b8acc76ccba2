using MudBlazor;

namespace CMLoRA.Web.Components.Layout;

/// <summary>The studio's colours, shared by light and dark mode.</summary>
public static class StudioTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#5b4bdb", Secondary = "#e0467c", AppbarBackground = "#2d2a4a" },
        PaletteDark = new PaletteDark { Primary = "#9d8fff", Secondary = "#ff6f9f", AppbarBackground = "#1b1a2e" },
    };
}
