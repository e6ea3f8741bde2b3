return await Gateway.Host.Cli.CommandLine.RunAsync(args);
