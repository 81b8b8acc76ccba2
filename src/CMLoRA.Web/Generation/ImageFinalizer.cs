namespace CMLoRA.Web.Generation;

/// <summary>
/// The one place where an image's PNG bytes are finalized before they are written to disk. The infotext and recipe
/// are stored in the image's row; the PNG chunk writer (A1111 "parameters" text chunk and the recipe chunk) plugs in
/// here so every stored file carries them.
/// </summary>
public static class ImageFinalizer
{
    public static byte[] FinalizePng(byte[] enginePng, string infotext, string recipeJson)
    {
        _ = infotext;
        _ = recipeJson;
        return enginePng;
    }
}
