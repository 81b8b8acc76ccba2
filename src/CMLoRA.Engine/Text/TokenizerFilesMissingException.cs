namespace CMLoRA.Engine.Text;

/// <summary>
/// A model folder has no CLIP tokenizer files. The message names the folders searched and the files expected,
/// and says that SD 1.x single-file checkpoints use the built-in vocabulary instead.
/// </summary>
public sealed class TokenizerFilesMissingException : FileNotFoundException
{
    public TokenizerFilesMissingException(string folder, IReadOnlyList<string> missingFiles)
        : base(BuildMessage(folder, missingFiles), Path.Combine(folder, missingFiles.FirstOrDefault() ?? ClipTokenizer.VocabFileName))
    {
        Folder = folder;
        MissingFiles = missingFiles;
    }

    /// <summary>The folder given to <see cref="ClipTokenizer.Load"/>.</summary>
    public string Folder { get; }

    /// <summary>The expected files that were not found (<c>vocab.json</c>, <c>merges.txt</c>).</summary>
    public IReadOnlyList<string> MissingFiles { get; }

    private static string BuildMessage(string folder, IReadOnlyList<string> missingFiles)
    {
        string subfolder = Path.Combine(folder, ClipTokenizer.TokenizerSubfolder);
        string where = Directory.Exists(folder) ? $"'{folder}'" : $"'{folder}' (the folder does not exist)";
        return $"No CLIP tokenizer files found in {where}: missing {string.Join(" and ", missingFiles)}. " +
               $"Put {ClipTokenizer.VocabFileName} and {ClipTokenizer.MergesFileName} in '{subfolder}' " +
               "(the diffusers layout, as in the model's tokenizer/ folder on Hugging Face) or directly in " +
               $"'{folder}'. SD 1.x single-file checkpoints need no tokenizer files: they use the built-in " +
               "CLIP ViT-L/14 vocabulary.";
    }
}
