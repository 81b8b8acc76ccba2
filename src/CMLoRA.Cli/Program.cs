System.Console.WriteLine(CMLoRA.Engine.Devices.Probe.Run());
