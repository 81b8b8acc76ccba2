using CMLoRA.Engine.Benchmarks.Quality;

namespace CMLoRA.Engine.Tests.Benchmarks.Quality;

public class QualityResumeTests
{
    private const string Defaults = "dom=2,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category";

    private static QualityRecord Record(string method, string? options) =>
        QualitySummaryTests.Record(method, ["ghost"], ["ghost"], options: options);

    [Fact]
    public void RecordsOfTheSameDefinitionResume()
    {
        var methods = QualityMethod.Parse("none,cmlora", null, "c3:dom=3;rev:order=reverse");
        var c3 = methods[1].Variant!.Definition;
        QualityResume.Check("r.jsonl", [Record("none", null), Record("cmlora:c3", c3), Record("cmlora:old", "dom=9"), Record("merge", null)], methods);
    }

    [Fact]
    public void AVariantEditedUnderTheSameNameIsRefused()
    {
        var before = QualityMethod.Parse("cmlora", null, "c3:dom=3");
        var after = QualityMethod.Parse("cmlora", null, "c3:dom=3,maxage=4");
        var records = new[] { Record("cmlora:c3", before[0].Variant!.Definition) };

        var error = Assert.Throws<ArgumentException>(() => QualityResume.Check("out/results.jsonl", records, after));

        Assert.Equal("cmlora:c3 in out/results.jsonl was made with other settings " +
                     $"(dom=3,nondom=4,maxage=8,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1; " +
                     $"now dom=3,nondom=4,maxage=4,phase=0.55,decay=off,cache=on,batch=on,order=category,cut=0.1); " +
                     "give the new settings another variant name or use another --out", error.Message);
    }

    // Lines written before definitions were recorded: the plain and cache-point rows ran the defaults of that time.
    [Fact]
    public void LinesWithoutADefinitionCountAsTheDefaultsOfTheirTime()
    {
        Assert.Equal($"{Defaults},cut=0.1", QualityResume.DefinitionOf(Record("cmlora", null)));
        Assert.Equal($"{Defaults},cut=0.0", QualityResume.DefinitionOf(Record("cmlora-0-0", null)));
        Assert.Null(QualityResume.DefinitionOf(Record("composite", null)));
        Assert.Null(QualityResume.DefinitionOf(Record("cmlora:a", null)));
        QualityResume.Check("r", [Record("cmlora", null), Record("cmlora-0-0", null)], QualityMethod.Parse("cmlora"));
        QualityResume.Check("r", [Record("cmlora-0-0", null)], QualityMethod.Parse("cmlora", "0,0"));

        var error = Assert.Throws<ArgumentException>(() => QualityResume.Check("r", [Record("cmlora:a", null)], QualityMethod.Parse("cmlora", null, "a:dom=3")));
        Assert.StartsWith("cmlora:a in r was made with other settings (not recorded; now dom=3,", error.Message);
    }

    [Fact]
    public void RecordsCarryTheirDefinitionThroughResultsJsonl()
    {
        using var temp = new TempDirectory();
        string path = temp.File("results.jsonl");
        QualityResultsFile.Append(path, Record("cmlora:a", "dom=3,cut=0.1"));
        // A line from before the field existed still reads, with no definition.
        File.AppendAllText(path, File.ReadAllText(path).Replace(",\"options\":\"dom=3,cut=0.1\"", "").Replace("cmlora:a", "cmlora"));

        var records = QualityResultsFile.Read(path);

        Assert.Contains("\"options\":\"dom=3,cut=0.1\"", File.ReadAllLines(path)[0]);
        Assert.Equal(new[] { ("cmlora:a", (string?)"dom=3,cut=0.1"), ("cmlora", null) }, records.Select(r => (r.Method, r.Options)));
    }
}
