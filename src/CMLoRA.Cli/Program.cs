using System.CommandLine;
using CMLoRA.Cli.Commands;

// Each verb lives in Commands/<Verb>Command.cs and registers itself here.
var root = new RootCommand("CMLoRA Studio command-line tool: generate images with several LoRAs, inspect and profile LoRA files, check conformance, benchmark.")
{
    InfoCommand.Create(),
    InspectCommand.Create(),
    GenerateCommand.Create(),
    WorldCommand.Create(),
    TrainCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
