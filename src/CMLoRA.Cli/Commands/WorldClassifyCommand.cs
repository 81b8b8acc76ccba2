using System.CommandLine;
using System.Text.Json;
using CMLoRA.Engine.Benchmarks.Quality;
using CMLoRA.Engine.World;
using Spectre.Console;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora world classify IMAGE.png…`: what the concept classifier sees in pictures (generated or rendered).</summary>
public static class WorldClassifyCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "PNG files (any size; scaled to 64×64 like the quality benchmark)", Arity = ArgumentArity.OneOrMore };
        var weights = new Option<string?>("--classifier") { Description = "Classifier weights (default: the embedded classifier)" };
        var json = new Option<bool>("--json") { Description = "Print every probability as JSON" };
        var command = new Command("classify", "Say which world concepts the concept classifier finds in pictures") { images, weights, json };
        command.SetAction(parse =>
        {
            var console = CliConsole.For(parse);
            string[] files = parse.GetValue(images)!;
            foreach (string file in files)
                if (!File.Exists(file)) return Fail(console, $"{file}: no such file.");
            set_num_threads(1);
            using var classifier = parse.GetValue(weights) is { } path ? ConceptClassifier.Load(path) : ConceptClassifier.LoadBuiltIn();
            var rows = new List<(string File, float[] Probabilities)>();
            foreach (string file in files)
            {
                float[] probabilities;
                try
                {
                    using var input = ConceptCheck.ClassifierInput(File.ReadAllBytes(file));
                    using var predicted = classifier.Predict(input);
                    probabilities = predicted.data<float>().ToArray();
                }
                catch (Exception e) when (e is SixLabors.ImageSharp.UnknownImageFormatException or SixLabors.ImageSharp.InvalidImageContentException)
                {
                    return Fail(console, $"{file}: not a readable image ({e.Message}).");
                }
                rows.Add((file, probabilities));
            }

            if (parse.GetValue(json))
            {
                var document = rows.Select(r => new
                {
                    file = r.File,
                    decisions = ConceptLabels.Decide(r.Probabilities).ToDictionary(d => d.Key.ToString().ToLowerInvariant(), d => d.Value?.Id),
                    probabilities = ConceptCatalog.All.Select((c, i) => (c.Id, P: r.Probabilities[i])).ToDictionary(p => p.Id, p => Math.Round(p.P, 4)),
                });
                console.WriteLine(JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("image");
            foreach (ConceptCategory category in Enum.GetValues<ConceptCategory>()) table.AddColumn(category.ToString().ToLowerInvariant());
            foreach (var (file, probabilities) in rows)
            {
                var cells = new List<string> { Markup.Escape(Path.GetFileName(file)) };
                foreach (var (category, concept) in ConceptLabels.Decide(probabilities))
                    cells.Add(concept is null ? "[grey]none[/]"
                        : $"{Markup.Escape(concept.CaptionWord)} {probabilities[ConceptCatalog.IndexOf(concept.Id)]:0.00}");
                table.AddRow(cells.ToArray());
            }
            console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Fail(IAnsiConsole console, string message)
    {
        console.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return ExitCodes.BadInput;
    }
}
