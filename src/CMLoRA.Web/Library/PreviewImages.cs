using CMLoRA.Web.Configuration;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace CMLoRA.Web.Library;

/// <summary>
/// Turns an untrusted preview image (upload, A1111 sidecar, later a generation) into our own JPEG thumbnail. The
/// image's size is read from its header first and anything over the pixel budget is refused before decoding, so a
/// small file that claims to be 100k × 100k pixels cannot exhaust memory. The original is never stored or served.
/// </summary>
public sealed class PreviewImages(StudioPaths paths, ILogger<PreviewImages> logger)
{
    public const long MaxImageBytes = 20L * 1024 * 1024;
    public const long MaxPixels = 40_000_000;
    public const int MaxSide = 12_000;
    public const int ThumbnailSide = 512;

    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp"];

    /// <summary>Writes a thumbnail and returns its file name under previews/; throws <see cref="LoraRejectedException"/> for unusable images.</summary>
    public async Task<string> CreateThumbnailAsync(Stream source, CancellationToken cancellationToken = default)
    {
        // Images are small next to LoRAs; a bounded copy gives the decoder the seekable stream it needs.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxImageBytes)
                throw new LoraRejectedException($"the image is larger than {MaxImageBytes / (1024 * 1024)} MiB");
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        var info = await Image.IdentifyAsync(SixLabors.ImageSharp.Configuration.Default, buffer, cancellationToken)
                   ?? throw new LoraRejectedException("the image is not a PNG, JPEG, WebP, GIF or BMP file");
        if (info.Width <= 0 || info.Height <= 0 || info.Width > MaxSide || info.Height > MaxSide || (long)info.Width * info.Height > MaxPixels)
            throw new LoraRejectedException($"the image is {info.Width}×{info.Height} pixels; previews may have at most {MaxPixels / 1_000_000} megapixels and {MaxSide} pixels a side");

        buffer.Position = 0;
        string name = Guid.NewGuid().ToString("N") + ".jpg";
        string path = Path.Combine(paths.Previews, name);
        try
        {
            using var image = await Image.LoadAsync(SixLabors.ImageSharp.Configuration.Default, buffer, cancellationToken);
            image.Mutate(x => x.AutoOrient().Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(ThumbnailSide, ThumbnailSide) }));
            image.Metadata.ExifProfile = null;
            image.Metadata.IccProfile = null;
            image.Metadata.XmpProfile = null;
            image.Metadata.IptcProfile = null;
            await image.SaveAsJpegAsync(path, new JpegEncoder { Quality = 85 }, cancellationToken);
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or InvalidImageContentException)
        {
            TryDelete(name);
            throw new LoraRejectedException($"the image could not be decoded: {e.Message}");
        }
        return name;
    }

    public string PathOf(string name) => Path.Combine(paths.Previews, Path.GetFileName(name));

    public void TryDelete(string? name)
    {
        if (string.IsNullOrEmpty(name)) return;
        try { File.Delete(PathOf(name)); }
        catch (IOException e) { logger.LogWarning(e, "Could not delete preview {Name}", name); }
    }
}
