using System.Text.Json;

namespace CMLoRA.Engine.Tests.Text;

/// <summary>One line of <c>tests/fixtures/tokenizer/cases.jsonl</c>: a prompt and the reference tokenizer's ids.</summary>
public sealed record TokenizerCase(int Line, string Text, int[] InputIds, int[] IdsUnpadded);

/// <summary>Reads the tokenizer fixture, found by walking up from the test output to the folder holding CMLoRA.Web.sln.</summary>
public static class TokenizerCases
{
    private static readonly Lazy<IReadOnlyList<TokenizerCase>> Cases = new(Read);

    public static IReadOnlyList<TokenizerCase> All => Cases.Value;

    public static IEnumerable<object[]> LineNumbers() => All.Select(c => new object[] { c.Line });

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CMLoRA.Web.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No CMLoRA.Web.sln above {AppContext.BaseDirectory}.");
    }

    private static IReadOnlyList<TokenizerCase> Read()
    {
        string path = Path.Combine(RepositoryRoot(), "tests", "fixtures", "tokenizer", "cases.jsonl");
        var cases = new List<TokenizerCase>();
        int line = 0;
        foreach (string json in File.ReadLines(path))
        {
            line++;
            if (json.Length == 0) continue;
            using var document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            cases.Add(new TokenizerCase(
                line,
                root.GetProperty("text").GetString()!,
                root.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                root.GetProperty("ids_unpadded").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
        }
        return cases;
    }
}
