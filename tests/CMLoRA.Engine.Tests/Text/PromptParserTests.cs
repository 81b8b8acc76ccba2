using CMLoRA.Engine.Text;

namespace CMLoRA.Engine.Tests.Text;

public class PromptParserTests
{
    private const string Break = "BREAK";

    /// <summary>Prompt, then the expected fragments as (text, weight) pairs; "BREAK" with weight 0 stands for a marker.</summary>
    private static readonly (string Prompt, (string Text, double Weight)[] Expected)[] Rows =
    [
        ("normal text", [("normal text", 1)]),
        ("an (important) word", [("an ", 1), ("important", 1.1), (" word", 1)]),
        ("((best quality))", [("best quality", 1.21)]),
        ("(((masterpiece)))", [("masterpiece", 1.331)]),
        ("[low quality]", [("low quality", 1 / 1.1)]),
        ("[[low quality]]", [("low quality", 1 / 1.21)]),
        ("(word:1.3)", [("word", 1.3)]),
        ("(word: 0.9 )", [("word", 0.9)]),
        ("(word:.5)", [("word", 0.5)]),
        ("(word:-1)", [("word", -1)]),
        ("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
            [("a ", 1), ("house", 1.573), (" ", 1.1), ("on", 1), (" a ", 1.1), ("hill", 0.55), (", sun, ", 1.1),
             ("sky", 1.4641), (".", 1.1)]),
        ("((a (b:2)) c)", [("a ", 1.21), ("b", 2 * 1.21), (" c", 1.1)]),
        (@"\(literal\]", [("(literal]", 1)]),
        (@"\(escaped parens\) and (word:0.9)", [("(escaped parens) and ", 1), ("word", 0.9)]),
        (@"a \\ b", [(@"a \ b", 1)]),
        (@"back\slash", [("backslash", 1)]),
        ("(unnecessary)(parens)", [("unnecessaryparens", 1.1)]),
        ("(unbalanced", [("unbalanced", 1.1)]),
        ("[unbalanced", [("unbalanced", 1 / 1.1)]),
        ("a (b [c", [("a ", 1), ("b ", 1.1), ("c", 1.0)]),
        ("closing) only] here", [("closing) only] here", 1)]),
        ("word:1.2)", [("word:1.2)", 1)]),
        ("a: b :c", [("a: b :c", 1)]),
        ("(a:1.2.3)", [("a:1.2.3)", 1.1)]),
        ("", [("", 1)]),
        ("()", [("", 1)]),
        ("a cat BREAK a dog", [("a cat", 1), (Break, 0), ("a dog", 1)]),
        ("a BREAK", [("a", 1), (Break, 0), ("", 1)]),
        ("BREAK a", [("", 1), (Break, 0), ("a", 1)]),
        ("a\nBREAK\nb", [("a", 1), (Break, 0), ("b", 1)]),
        ("(a BREAK b)", [("a", 1.1), (Break, 0), ("b", 1.1)]),
        ("aBREAKb break BREAKS", [("aBREAKb break BREAKS", 1)]),
        ("[cat|dog]", [("cat|dog", 1 / 1.1)]),
        ("<lora:foo:0.8>, cat", [("<lora:foo:0.8>, cat", 1)]),
    ];

    public static TheoryData<string, string[], double[]> Table()
    {
        var data = new TheoryData<string, string[], double[]>();
        foreach (var (prompt, expected) in Rows)
            data.Add(prompt, expected.Select(e => e.Text).ToArray(), expected.Select(e => e.Weight).ToArray());
        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void ParsesEmphasisLikeA1111(string prompt, string[] texts, double[] weights)
    {
        IReadOnlyList<PromptFragment> actual = PromptParser.Parse(prompt).Fragments;
        Assert.Equal(texts.Length, actual.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            if (texts[i] == Break)
            {
                Assert.True(actual[i].IsBreak, $"fragment {i} should be BREAK, is {actual[i]}");
                continue;
            }
            Assert.False(actual[i].IsBreak);
            Assert.Equal(texts[i], actual[i].Text);
            Assert.Equal(weights[i], actual[i].Weight, 5);
        }
    }

    [Fact]
    public void BreakMarkerHasEmptyTextAndUnitWeight()
    {
        PromptFragment marker = PromptParser.Parse("a BREAK b").Fragments[1];
        Assert.True(marker.IsBreak);
        Assert.Equal("", marker.Text);
        Assert.Equal(1f, marker.Weight);
    }

    [Fact]
    public void PlainTextDropsTheSyntax() =>
        Assert.Equal("a house on a hill ", PromptParser.Parse("a ((house)) [on] a (hill:1.2)BREAK").PlainText);
}
