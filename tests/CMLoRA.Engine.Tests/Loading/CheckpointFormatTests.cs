using System.Text;
using CMLoRA.Engine.Loading;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;

namespace CMLoRA.Engine.Tests.Loading;

public class CheckpointFormatTests
{
    private static readonly byte[] ZipPickle = [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 8, 0, 0, 0];
    private static readonly byte[] RawPickle = [0x80, 0x02, (byte)'}', (byte)'q', 0, 0x28, 0, 0, 0, 0];

    private static string PickleMessage(string path) => $"'{path}': {PickleDetector.Explanation}";

    [Theory]
    [InlineData("model.ckpt")]
    [InlineData("model.pt")]
    [InlineData("model.pth")]
    [InlineData("model.bin")]
    public void PickleExtensionsAreRefusedWithTheExplanation(string name)
    {
        using var temp = new TempDirectory();
        string path = temp.File(name);
        File.WriteAllBytes(path, ZipPickle);

        var detect = Assert.Throws<CheckpointLoadException>(() => CheckpointFormat.Detect(path));
        var load = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(path));
        var textEncoder = Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.LoadTextEncoder(path));

        Assert.Equal(PickleMessage(path), detect.Message);
        Assert.Equal(PickleMessage(path), load.Message);
        Assert.Equal(PickleMessage(path), textEncoder.Message);
        Assert.Contains("Pickles can run arbitrary code when loaded", detect.Message);
    }

    [Fact]
    public void PickleContentIsRefusedWhateverTheExtension()
    {
        using var temp = new TempDirectory();
        string zip = temp.File("renamed.safetensors"), raw = temp.File("raw.safetensors");
        File.WriteAllBytes(zip, ZipPickle);
        File.WriteAllBytes(raw, RawPickle);
        Assert.Equal(PickleMessage(zip), Assert.Throws<CheckpointLoadException>(() => CheckpointFormat.Detect(zip)).Message);
        Assert.Equal(PickleMessage(raw), Assert.Throws<CheckpointLoadException>(() => CheckpointFormat.Detect(raw)).Message);
    }

    [Fact]
    public void SafetensorsWhoseHeaderLengthLooksLikeAPickleOpcodeIsAccepted()
    {
        // Header length 0x0580 = 1408 is stored as 80 05 00 … — the bytes of pickle's PROTO 5.
        using var temp = new TempDirectory();
        string path = temp.File("tricky.safetensors");
        string header = """{"__metadata__":{"pad":""}}""";
        header = header.Replace("\"\"", "\"" + new string('x', 0x580 - header.Length) + "\"");
        using (var stream = File.Create(path))
        {
            stream.Write(BitConverter.GetBytes((ulong)0x580));
            stream.Write(Encoding.UTF8.GetBytes(header));
        }
        Assert.True(PickleDetector.LooksLikePickle(File.ReadAllBytes(path)));
        Assert.Equal(CheckpointLayout.SingleFile, CheckpointFormat.Detect(path));
    }

    [Fact]
    public void LayoutsAreDetected()
    {
        Assert.Equal(CheckpointLayout.DiffusersFolder, CheckpointFormat.Detect(Path.Combine(RepoPaths.TinyReference, "weights", "diffusers")));
        Assert.Equal(CheckpointLayout.SingleFile, CheckpointFormat.Detect(Path.Combine(RepoPaths.TinyReference, "weights", "ldm", "model.safetensors")));
    }

    [Fact]
    public void MissingPathsAreNamed()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("nothing-here.safetensors");
        Assert.Equal(
            $"checkpoint not found: '{missing}' is neither a file nor a folder",
            Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(missing)).Message);
    }

    [Fact]
    public void FolderWithoutModelIndexIsNamed()
    {
        using var temp = new TempDirectory();
        string expected = $"'{temp.Path}' is not a diffusers folder: {Path.Combine(temp.Path, "model_index.json")} is missing";
        Assert.Equal(expected, Assert.Throws<CheckpointLoadException>(() => CheckpointFormat.Detect(temp.Path)).Message);
        Assert.Equal(expected, Assert.Throws<CheckpointLoadException>(() => StableDiffusionCheckpoint.Load(temp.Path)).Message);
        Assert.Equal(expected, Assert.Throws<CheckpointLoadException>(() => DiffusersFolder.Open(temp.Path)).Message);
    }
}
