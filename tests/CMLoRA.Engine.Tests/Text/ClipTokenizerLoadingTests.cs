using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Text;

public sealed class ClipTokenizerLoadingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cmlora-tokenizer-" + Guid.NewGuid().ToString("N"));
    private static readonly string BuiltInFolder =
        Path.Combine(TokenizerCases.RepositoryRoot(), "src", "CMLoRA.Engine", "Resources", "ClipVitL14");

    public ClipTokenizerLoadingTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void LoadsTokenizerFolderDirectly()
    {
        CopyTokenizerFiles(_root);
        ClipTokenizer tokenizer = ClipTokenizer.Load(_root);
        Assert.Equal(_root, tokenizer.Source);
        AssertTokenizesLikeDefault(tokenizer);
    }

    [Fact]
    public void LoadsDiffusersModelFolderThroughItsTokenizerSubfolder()
    {
        string tokenizerFolder = Path.Combine(_root, "tokenizer");
        CopyTokenizerFiles(tokenizerFolder);
        ClipTokenizer tokenizer = ClipTokenizer.Load(_root);
        Assert.Equal(tokenizerFolder, tokenizer.Source);
        AssertTokenizesLikeDefault(tokenizer);
    }

    [Fact]
    public void ReadsPadTokenFromSpecialTokensMap()
    {
        CopyTokenizerFiles(_root);
        File.WriteAllText(Path.Combine(_root, "special_tokens_map.json"),
            """{"bos_token": "<|startoftext|>", "pad_token": {"content": "!", "lstrip": false}}""");
        Assert.Equal(0, ClipTokenizer.Load(_root).PadId);
        Assert.Equal(49407, ClipTokenizer.Load(_root, padId: 49407).PadId);
    }

    [Fact]
    public void MissingFilesErrorNamesFolderFilesAndBuiltInVocabulary()
    {
        var error = Assert.Throws<TokenizerFilesMissingException>(() => ClipTokenizer.Load(_root));
        Assert.Equal(_root, error.Folder);
        Assert.Equal(new[] { "vocab.json", "merges.txt" }, error.MissingFiles);
        Assert.Contains(_root, error.Message);
        Assert.Contains("vocab.json", error.Message);
        Assert.Contains("merges.txt", error.Message);
        Assert.Contains(Path.Combine(_root, "tokenizer"), error.Message);
        Assert.Contains("single-file checkpoints", error.Message);
        Assert.Contains("built-in", error.Message);
        Assert.IsAssignableFrom<FileNotFoundException>(error);
    }

    [Fact]
    public void MissingMergesIsReportedForTheTokenizerSubfolder()
    {
        string tokenizerFolder = Path.Combine(_root, "tokenizer");
        Directory.CreateDirectory(tokenizerFolder);
        File.Copy(Path.Combine(BuiltInFolder, "vocab.json"), Path.Combine(tokenizerFolder, "vocab.json"));
        var error = Assert.Throws<TokenizerFilesMissingException>(() => ClipTokenizer.Load(_root));
        Assert.Equal(new[] { "merges.txt" }, error.MissingFiles);
        Assert.Contains("missing merges.txt", error.Message);
    }

    [Fact]
    public void NonexistentFolderIsReportedAsSuch()
    {
        string absent = Path.Combine(_root, "absent");
        var error = Assert.Throws<TokenizerFilesMissingException>(() => ClipTokenizer.Load(absent));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void FilesWithoutClipSpecialTokensAreRefused()
    {
        File.WriteAllText(Path.Combine(_root, "vocab.json"), """{"a": 0, "b": 1}""");
        File.WriteAllText(Path.Combine(_root, "merges.txt"), "#version: 0.2\na b\n");
        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(_root));
        Assert.Contains("<|startoftext|>", error.Message);
    }

    private static void CopyTokenizerFiles(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in new[] { "vocab.json", "merges.txt" })
            File.Copy(Path.Combine(BuiltInFolder, name), Path.Combine(folder, name));
    }

    private static void AssertTokenizesLikeDefault(ClipTokenizer tokenizer)
    {
        Assert.Equal(49407, tokenizer.PadId);
        foreach (TokenizerCase c in TokenizerCases.All.Take(20))
            Assert.Equal(c.InputIds, tokenizer.EncodePadded(c.Text));
    }
}
