using System.CommandLine;
using CMLoRA.Engine.World;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora world …`: the built-in procedural world (concept list, datasets, contact sheet, concept classifier).</summary>
public static class WorldCommand
{
    public static Command Create() => new("world", "The built-in shapes world: list concepts, render datasets, train and evaluate the concept classifier")
    {
        CreateConcepts(),
        CreateRender(),
        CreateSheet(),
        WorldClassifierCommand.CreateTrain(),
        WorldClassifierCommand.CreateEvaluate(),
        WorldClassifyCommand.Create(),
    };

    private static Command CreateConcepts()
    {
        var command = new Command("concepts", "List every concept with its category and trigger word");
        command.SetAction(parse =>
        {
            var table = new Table().AddColumn("id").AddColumn("category").AddColumn("caption word").AddColumn("novel").AddColumn("description");
            foreach (var c in ConceptCatalog.All)
                table.AddRow(c.Id, c.Category.ToString(), Markup.Escape(c.CaptionWord), c.IsNovel ? "yes" : "", Markup.Escape(c.Description));
            CliConsole.For(parse).Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRender()
    {
        var output = new Option<string>("--out") { Description = "Folder for the PNGs, captions.jsonl and contact-sheet.png", Required = true };
        var count = new Option<int>("--count") { Description = "Number of pictures", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "Dataset seed; the same seed gives the same files", DefaultValueFactory = _ => 0 };
        var concept = new Option<string?>("--concept") { Description = "Trigger word (or id) of a novel concept: every picture then shows exactly that concept" };
        var command = new Command("render", "Render a captioned dataset of the world") { output, count, seed, concept };
        command.SetAction((parse, cancellationToken) =>
        {
            var console = CliConsole.For(parse);
            int n = parse.GetValue(count);
            if (n <= 0) return Fail(console, "--count must be positive.");
            Concept? novel = null;
            if (parse.GetValue(concept) is { } name)
            {
                novel = ConceptCatalog.Find(name);
                if (novel is null || !novel.IsNovel)
                    return Fail(console, $"'{name}' is not a novel concept. Novel trigger words: {string.Join(", ", ConceptCatalog.Novel.Select(c => c.Trigger))}.");
            }
            string folder = parse.GetValue(output)!;
            try
            {
                console.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("rendering", maxValue: n);
                    DatasetWriter.Write(folder, n, parse.GetValue(seed), novel, done => task.Value = done, cancellationToken);
                });
            }
            catch (OperationCanceledException)
            {
                return Task.FromResult(ExitCodes.Cancelled);
            }
            console.MarkupLine($"Wrote {n} pictures, {DatasetWriter.CaptionsFile} and {DatasetWriter.ContactSheetFile} to [bold]{Markup.Escape(folder)}[/].");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command CreateSheet()
    {
        var output = new Option<string>("--out") { Description = "PNG file to write", DefaultValueFactory = _ => "world-concepts.png" };
        var seed = new Option<long>("--seed") { Description = "Seed of the mixed-scene row", DefaultValueFactory = _ => 7 };
        var command = new Command("sheet", "Render a labelled contact sheet with every concept (novel ones marked *)") { output, seed };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            ContactSheet.WriteConceptSheet(path, parse.GetValue(seed));
            CliConsole.For(parse).MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/].");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Task<int> Fail(IAnsiConsole console, string message)
    {
        console.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return Task.FromResult(ExitCodes.BadInput);
    }
}
