using System.Globalization;
using System.Text.RegularExpressions;

namespace CMLoRA.Engine.Tests.Tensors;

/// <summary>
/// Keeps the engine free of the implicit TorchSharp <c>Scalar</c> temporaries that a text search can recognise
/// without false positives (see <c>CMLoRA.Engine.Tensors.Scalars</c> for why they are unsafe): <c>.add(x)</c> /
/// <c>.add_(x)</c> with one argument (TorchSharp passes an implicit alpha 1), <c>.square()</c> (= <c>pow(2)</c>),
/// <c>arange</c> outside ScalarSafeOps (its short overloads pass an implicit start and step), and a numeric literal
/// as an argument of a Scalar-taking tensor method (<c>clamp(0, 1)</c>, <c>mul(2.0)</c>, <c>fill_(1.0)</c>, …).
/// Lower-case method names are TorchSharp's; .NET's own are PascalCase. Operators on tensors (<c>t * 0.5</c>,
/// <c>a + b</c>) need types to tell apart from arithmetic on numbers, so they are not checked here.
/// </summary>
public partial class ImplicitScalarGuardTests
{
    private static string EngineSource => Path.Combine(RepoPaths.Root, "src", "CMLoRA.Engine");

    [Fact]
    public void EngineSourcesPassNoImplicitScalarTemporaries()
    {
        var files = Directory.EnumerateFiles(EngineSource, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 100, $"expected the engine sources under {EngineSource}");
        var findings = files
            .SelectMany(f => Findings(File.ReadAllText(f), allowArange: Path.GetFileName(f) == "ScalarSafeOps.cs")
                .Select(x => $"{Path.GetRelativePath(EngineSource, f)}:{x}"))
            .ToList();
        Assert.True(findings.Count == 0, "implicit Scalar temporaries:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void TheGuardRecognisesEachPatternAndIgnoresCommentsAndStrings()
    {
        const string bad = """
            var a = x.add(y);
            x.add_(Epsilon);
            var b = x.square();
            var c = arange(0, n, dtype: ScalarType.Float32);
            var d = x.clamp(0, 1).mul(127.5f);
            p.fill_(1.0);
            var e = x.add(y, alpha: 1);
            """;
        Assert.Equal(
            [
                "1: one-argument add(y)",
                "2: one-argument add_(Epsilon)",
                "3: square() is pow(2)",
                "4: arange with implicit scalars",
                "5: clamp(… 0 …)",
                "5: clamp(… 1 …)",
                "5: mul(… 127.5f …)",
                "6: fill_(… 1.0 …)",
                "7: add(… alpha: 1 …)",
            ],
            Findings(bad, allowArange: false));

        const string good = """
            // a.add(b) and x.square() in a comment
            /// <summary><c>t.clamp(0, 1)</c></summary>
            var s = "x.add(y)";
            var a = x.add(y, Scalars.One);
            var b = x.pow(Scalars.Two).mul(scale);
            list.Add(item);
            var c = Math.Pow(2, 3) * 0.5;
            var d = addmm_(m1, m2, 1f, 1f);
            """;
        Assert.Empty(Findings(good, allowArange: false));
    }

    /// <summary>"line: what" for each risky call in C# source <paramref name="source"/>.</summary>
    private static List<string> Findings(string source, bool allowArange)
    {
        // Blank comments and string/char literals, keeping line breaks so that line numbers still hold.
        string code = CommentOrLiteral().Replace(source, m => Regex.Replace(m.Value, "[^\n]", " "));
        var findings = new List<string>();
        int Line(int index) => code.AsSpan(0, index).Count('\n') + 1;
        foreach (Match call in ScalarMethodCall().Matches(code))
        {
            string name = call.Groups["name"].Value + call.Groups["inplace"].Value;
            var args = Arguments(code, call.Index + call.Length);
            if (name == "square")
                findings.Add($"{Line(call.Index)}: square() is pow(2)");
            else if (call.Groups["name"].Value == "add" && args.Count == 1)
                findings.Add($"{Line(call.Index)}: one-argument {name}({args[0]})");
            else
                findings.AddRange(args.Where(a => NumericLiteral().IsMatch(a)).Select(a => $"{Line(call.Index)}: {name}(… {a} …)"));
        }
        if (!allowArange)
            findings.AddRange(Arange().Matches(code).Select(m => $"{Line(m.Index)}: arange with implicit scalars"));
        return findings.OrderBy(f => int.Parse(f[..f.IndexOf(':')], CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The top-level arguments of the call whose '(' ends just before <paramref name="start"/>.</summary>
    private static List<string> Arguments(string code, int start)
    {
        var args = new List<string>();
        int depth = 0, from = start;
        for (int i = start; i < code.Length; i++)
        {
            char c = code[i];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}')
            {
                if (depth-- > 0) continue;
                string last = code[from..i].Trim();
                if (last.Length > 0) args.Add(last);
                return args;
            }
            else if (c == ',' && depth == 0)
            {
                args.Add(code[from..i].Trim());
                from = i + 1;
            }
        }
        return args;
    }

    [GeneratedRegex(@"""""""[\s\S]*?""""""|@""(?:[^""]|"""")*""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'|/\*.*?\*/|//[^\n]*", RegexOptions.Singleline)]
    private static partial Regex CommentOrLiteral();

    [GeneratedRegex(@"\.(?<name>add|sub|mul|div|pow|clamp|clamp_min|clamp_max|fill|masked_fill|lerp|eq|ne|lt|le|gt|ge|remainder|fmod|square)(?<inplace>_?)\(")]
    private static partial Regex ScalarMethodCall();

    [GeneratedRegex(@"^(\w+\s*:\s*)?-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?[fFdDmMlL]?$")]
    private static partial Regex NumericLiteral();

    [GeneratedRegex(@"\barange\(")]
    private static partial Regex Arange();
}
