using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using CMLoRA.Engine.Lora;
using CMLoRA.Engine.Tensors;
using Spectre.Console;

namespace CMLoRA.Cli.Commands;

/// <summary>
/// `cmlora inspect FILE [--json] [--modules]`: format, network type, base model, hashes, ranks and alphas, coverage,
/// metadata and suggested trigger words of a LoRA file. Unusable files (pickles, malformed headers, unsupported keys,
/// LoRAs for other base models) exit with code 2 and a message naming the problem.
/// </summary>
public static class InspectCommand
{
    /// <summary>
    /// The JSON shape: the engine's <see cref="LoraInspection"/> with camelCase property names and enums as their C#
    /// names (e.g. "LoRA", "TextEncoder", "SD1"); metadata keys are kept verbatim. Documented in docs/lora-formats.md.
    /// </summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The LoRA .safetensors file" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (stable field names, see docs/lora-formats.md)" };
        var modules = new Option<bool>("--modules") { Description = "Also list every module with its rank, alpha and shape (always included in --json)" };
        var command = new Command("inspect", "Show the format, base model, hashes, ranks, metadata and trigger words of a LoRA file")
        {
            file, json, modules,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string path = parse.GetValue(file)!.FullName;
            bool asJson = parse.GetValue(json);
            LoraInspection inspection;
            try
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"file not found: {path}", path);
                inspection = LoraInspector.Inspect(path);
            }
            catch (Exception e) when (e is LoraFormatException or SafetensorsFormatException or IOException or UnauthorizedAccessException)
            {
                ReportError(e, Path.GetFileName(path), asJson, output, error);
                return ExitCodes.BadInput;
            }

            if (asJson)
            {
                output.WriteLine(JsonSerializer.Serialize(inspection, JsonOptions));
                return ExitCodes.Success;
            }
            var console = CliConsole.For(parse);
            InspectTableRenderer.Render(console, inspection, parse.GetValue(modules));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void ReportError(Exception e, string fileName, bool asJson, TextWriter output, TextWriter error)
    {
        // LoRA errors already name the file; header errors name only the tensor.
        string message = e is SafetensorsFormatException ? $"{fileName}: {e.Message}" : e.Message;
        string kind = e switch
        {
            LoraFormatException lora => lora.Kind.ToString(),
            SafetensorsFormatException => "MalformedFile",
            FileNotFoundException => "FileNotFound",
            _ => "ReadError",
        };
        error.WriteLine($"error: {message}");
        if (!asJson) return;
        var keys = (e as LoraFormatException)?.Keys ?? [];
        output.WriteLine(JsonSerializer.Serialize(new { error = new { kind, message, keys } }, JsonOptions));
    }
}
