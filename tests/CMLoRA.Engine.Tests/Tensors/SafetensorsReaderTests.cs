using System.Text;
using CMLoRA.Engine.Tensors;
using CMLoRA.Engine.Tests.Support;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Tests.Tensors;

public class SafetensorsReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteRaw(string headerJson, int dataBytes, string name = "bad.safetensors")
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        string path = _temp.File(name);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        stream.Write(new byte[dataBytes]);
        return path;
    }

    private static string OpenError(string path) =>
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose()).Message;

    [Fact]
    public void WrittenTensorsAndMetadataRoundTripExactly()
    {
        string path = _temp.File("round.safetensors");
        using var a = randn(3, 5);
        using var b = arange(0, 7, dtype: ScalarType.Int64);
        using var c = randn(2, 2).to_type(ScalarType.Float16);
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["half"] = c },
            new Dictionary<string, string> { ["ss_output_name"] = "demo" });

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("demo", file.Metadata["ss_output_name"]);
        Assert.Equal(new long[] { 3, 5 }, file["a"].Shape);
        using var readA = file.ReadTensor("a");
        using var readB = file.ReadTensor("b");
        using var readC = file.ReadTensor("half", ScalarType.Float32);
        Assert.True(readA.equal(a).all().item<bool>());
        Assert.True(readB.equal(b).all().item<bool>());
        Assert.Equal(ScalarType.Float32, readC.dtype);
        Assert.True(readC.equal(c.to_type(ScalarType.Float32)).all().item<bool>());
    }

    [Fact]
    public void ReadIntoFillsAParameterAndChecksItsShape()
    {
        string path = _temp.File("param.safetensors");
        using var source = randn(4, 3);
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = source });
        using var file = SafetensorsFile.Open(path);
        using var target = zeros(4, 3);
        file.ReadInto("w", target);
        Assert.True(target.equal(source).all().item<bool>());
        using var wrong = zeros(3, 4);
        var error = Assert.Throws<SafetensorsFormatException>(() => file.ReadInto("w", wrong));
        Assert.Equal("tensor 'w' has shape [4,3] but the model expects [3,4]", error.Message);
    }

    [Fact]
    public void ReferenceFixtureReadsWithExpectedShapes()
    {
        using var file = SafetensorsFile.Open(Path.Combine(RepoPaths.TinyReference, "inputs.safetensors"));
        Assert.Equal(new long[] { 2, 4, 8, 8 }, file["unet_latents"].Shape);
        using var timesteps = file.ReadTensor("unet_timesteps", ScalarType.Float64);
        Assert.Equal(new[] { 999.0, 500.0, 1.0, 333.5 }, timesteps.data<double>().ToArray());
    }

    [Fact]
    public void EmptyFileIsRejected() =>
        Assert.Equal("file is 0 bytes: too short for a safetensors header (needs at least 8)", OpenError(WriteBytes(Array.Empty<byte>())));

    [Fact]
    public void HeaderLengthLargerThanTheFileIsRejected()
    {
        byte[] bytes = new byte[40];
        BitConverter.GetBytes(1000UL).CopyTo(bytes, 0);
        Assert.Equal("header length 1000 is larger than the file (40 bytes)", OpenError(WriteBytes(bytes)));
    }

    [Fact]
    public void HeaderLengthAboveTheCapIsRejected()
    {
        byte[] bytes = new byte[16];
        BitConverter.GetBytes(200UL * 1024 * 1024).CopyTo(bytes, 0);
        Assert.Contains("exceeds the limit of 104857600 bytes", OpenError(WriteBytes(bytes)));
    }

    [Fact]
    public void TruncatedFileIsRejectedNamingTheTensor()
    {
        string path = WriteRaw("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 10);
        Assert.Equal("tensor 'w': data_offsets [0,16] run past the end of the data section (10 bytes); the file may be truncated", OpenError(path));
    }

    [Fact]
    public void OverlappingOffsetsAreRejected()
    {
        string path = WriteRaw("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);
        Assert.StartsWith("tensor 'b' overlaps tensor 'a'", OpenError(path));
    }

    [Fact]
    public void ByteLengthThatDisagreesWithDtypeAndShapeIsRejected()
    {
        string path = WriteRaw("""{"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,24]}}""", 24);
        Assert.Equal("tensor 'w': F16 shape [2,3] needs 12 bytes but data_offsets cover 24", OpenError(path));
    }

    [Fact]
    public void UnknownDtypeIsRejected() =>
        Assert.Equal("tensor 'w': unknown dtype 'F31'",
            OpenError(WriteRaw("""{"w":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}""", 4)));

    [Fact]
    public void HolesInTheDataSectionAreRejected() =>
        Assert.Equal("data section has 4 unaccounted bytes before tensor 'w'",
            OpenError(WriteRaw("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)));

    [Fact]
    public void TrailingBytesAreRejected() =>
        Assert.Equal("data section has 4 bytes after the last tensor that no tensor accounts for",
            OpenError(WriteRaw("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8)));

    [Fact]
    public void DuplicateTensorNamesAreRejected() =>
        Assert.Equal("tensor 'w' appears twice in the header",
            OpenError(WriteRaw("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)));

    [Fact]
    public void NonJsonHeaderIsRejected() =>
        Assert.StartsWith("header is not a JSON object", OpenError(WriteRaw("not json at all", 0)));

    [Fact]
    public void MalformedJsonIsRejected() =>
        Assert.StartsWith("header is not valid JSON", OpenError(WriteRaw("""{"w":{"dtype":"F32",}""", 0)));

    [Fact]
    public void NonStringMetadataIsRejected() =>
        Assert.Equal("__metadata__ value 'steps' is not a string", OpenError(WriteRaw("""{"__metadata__":{"steps":5}}""", 0)));

    [Fact]
    public void ExtraFieldsInAnEntryAreRejected() =>
        Assert.Equal("tensor 'w': unexpected or repeated field 'strides'",
            OpenError(WriteRaw("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}}""", 4)));

    [Fact]
    public void NegativeShapeIsRejected() =>
        Assert.Equal("tensor 'w': shape must hold non-negative integers",
            OpenError(WriteRaw("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4)));

    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'c', (byte)'t', 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void PickleRenamedToSafetensorsIsRefusedWithAnExplanation(byte[] content)
    {
        string message = OpenError(WriteBytes(content));
        Assert.Equal(PickleDetector.Explanation, message);
        Assert.Contains("never opens them", message);
    }

    [Fact]
    public void HeaderLengthWhoseBytesLookLikeAPickleStillReads()
    {
        // 640 = 0x280: the length prefix begins 0x80 0x02, a pickle's PROTO 2 opcode.
        string padding = new(' ', 640 - 2);
        string path = WriteRaw("{}" + padding, 0, "pickle-like.safetensors");
        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Entries);
    }

    private string WriteBytes(byte[] content)
    {
        string path = _temp.File(Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, content);
        return path;
    }
}
