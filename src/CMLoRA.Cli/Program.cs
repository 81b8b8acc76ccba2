using CMLoRA.Cli;

// The verbs are registered in CliApp.BuildRoot().
return await CliApp.BuildRoot().Parse(args).InvokeAsync();
