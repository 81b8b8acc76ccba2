namespace CMLoRA.Web.Generation;

/// <summary>
/// The one place where an image's PNG bytes are finalized before they are written to disk: every stored file carries
/// the A1111 "parameters" text chunk (so other tools read its settings) and our recipe chunk (so importing the PNG
/// restores everything).
/// </summary>
public static class ImageFinalizer
{
    public static byte[] FinalizePng(byte[] enginePng, string infotext, string recipeJson) =>
        CMLoRA.Engine.Recipes.PngMetadata.Embed(enginePng, infotext, recipeJson);
}
