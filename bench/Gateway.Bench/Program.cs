using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is found by the switcher: add a class under a folder named
// for the part it measures (Sms/, Modem/, …) and pick it with --filter, e.g. --filter '*Codec*'.
// --list flat shows them all. Run in Release: dotnet run -c Release --project bench/Gateway.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
