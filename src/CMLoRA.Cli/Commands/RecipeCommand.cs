using System.CommandLine;
using CMLoRA.Engine.Recipes;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora recipe FILE.png`: shows the generation parameters a PNG carries: its A1111 infotext and the recipe (ours
/// when present, otherwise the infotext mapped onto a partial recipe with what could not be mapped). `--json` prints
/// only the recipe JSON, ready to be stored or fed back.
/// </summary>
public static class RecipeCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A PNG made by cmlora, the studio, A1111 or another tool that writes infotext" };
        var json = new Option<bool>("--json") { Description = "Print only the recipe as JSON (notes go to stderr)" };
        var command = new Command("recipe", "Show the generation parameters embedded in a PNG") { file, json };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!;
            try
            {
                var imported = RecipeImport.FromPng(File.ReadAllBytes(path.FullName));
                if (parse.GetValue(json))
                {
                    parse.InvocationConfiguration.Output.WriteLine(RecipeJson.Serialize(imported.Recipe, indented: true));
                    foreach (var warning in imported.Warnings) error.WriteLine($"warning: {warning}");
                    foreach (var field in imported.Unmapped) error.WriteLine($"not mapped: {field.Key}: {field.Value} ({field.Reason})");
                    return ExitCodes.Success;
                }
                Print(CliConsole.For(parse), imported);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is RecipeFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    private static void Print(IAnsiConsole console, ImportedRecipe imported)
    {
        var r = imported.Recipe;
        if (imported.Infotext is { } infotext)
        {
            console.Write(new Rule("infotext (parameters)").LeftJustified());
            console.WriteLine(infotext);
        }
        console.Write(new Rule(imported.IsComplete ? "recipe (cmlora-recipe, complete)" : "recipe (from infotext, partial)").LeftJustified());
        var table = new Table().AddColumn("item").AddColumn("value");
        table.AddRow("model", Markup.Escape($"{r.Model.Name} ({r.Model.Sha256 ?? r.Model.AutoV2 ?? "hash unknown"})"));
        table.AddRow("method", Markup.Escape(Infotext.MethodName(r.Method)));
        foreach (var lora in r.Loras)
            table.AddRow("LoRA", Markup.Escape($"{lora.Name} × {lora.Weight} · {lora.Category.ToString().ToLowerInvariant()} · " +
                                                $"{lora.Sha256 ?? lora.AutoV2 ?? lora.AutoV3 ?? "hash unknown"}"));
        if (r.ScheduleOrder.Count > 0 && r.Method == Engine.Composition.CompositionMethod.CmLora)
            table.AddRow("schedule order", Markup.Escape(string.Join(" → ", r.ScheduleOrder)));
        table.AddRow("sampler", Markup.Escape($"{r.Sampler}{(r.Karras ? " karras" : "")}, {r.Steps} steps, CFG {r.CfgScale}"));
        table.AddRow("size", $"{r.Width}x{r.Height}");
        table.AddRow("seed", Markup.Escape($"{r.Seed} ({r.Rng})"));
        if (r.Runtime is { } runtime) table.AddRow("device", Markup.Escape($"{runtime.Device} ({runtime.DType})"));
        if (r.EngineVersion is { } version) table.AddRow("engine", Markup.Escape(version));
        console.Write(table);
        foreach (var field in imported.Unmapped)
            console.MarkupLine($"not mapped: {Markup.Escape($"{field.Key}: {field.Value}")} — {Markup.Escape(field.Reason)}");
        foreach (var warning in imported.Warnings) console.MarkupLine($"warning: {Markup.Escape(warning)}");
    }
}
