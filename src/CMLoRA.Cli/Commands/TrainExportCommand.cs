using System.CommandLine;
using CMLoRA.Engine.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace CMLoRA.Cli.Commands;

/// <summary>`cmlora train export`: a finished `train model` run → diffusers folder + single file + model card.</summary>
internal static class TrainExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "The `train model` run folder", Required = true };
        var output = new Option<string>("--out") { Description = "Output diffusers folder", DefaultValueFactory = _ => BuiltInModel.RelativePath };
        var dtype = new Option<string>("--dtype") { Description = "fp16 (half the size) or fp32", DefaultValueFactory = _ => "fp16" };
        var noSingleFile = new Option<bool>("--no-single-file") { Description = $"Skip the single-file variant ({BuiltInModelExporter.SingleFileName})" };
        var command = new Command("export", "Write the trained built-in model as a diffusers folder plus a single-file variant") { run, output, dtype, noSingleFile };
        command.SetAction(parse =>
        {
            var type = parse.GetValue(dtype) switch
            {
                "fp16" or "float16" => ScalarType.Float16,
                "fp32" or "float32" => ScalarType.Float32,
                var other => (ScalarType?)null,
            };
            if (type is null) return TrainCommand.Fail(parse, $"--dtype must be fp16 or fp32, not '{parse.GetValue(dtype)}'");
            try
            {
                var result = BuiltInModelExporter.Export(parse.GetValue(run)!, parse.GetValue(output)!, type.Value, !parse.GetValue(noSingleFile));
                var table = new Table().AddColumn("item").AddColumn("value");
                table.AddRow("folder", Markup.Escape(result.Folder));
                if (result.SingleFile is { } single) table.AddRow("single file", Markup.Escape(single));
                table.AddRow("parameters", $"UNet {result.UnetParameters:N0} · VAE {result.VaeParameters:N0} · text encoder {result.TextEncoderParameters:N0}");
                table.AddRow("size", $"{result.Bytes / 1048576.0:F1} MiB");
                AnsiConsole.Write(table);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
            {
                return TrainCommand.Fail(parse, e.Message);
            }
        });
        return command;
    }
}
