using Gateway.Configuration;

namespace Gateway.Modem.Transport;

/// <summary>Picks the transport a module's settings ask for.</summary>
public static class ModemTransports
{
    /// <summary>
    /// Serial and TCP modules get their transport from their settings; virtual modules are
    /// reached through <paramref name="connectVirtual"/> (SIM number → a fresh stream to that
    /// virtual modem), which only a process running a virtual network can give.
    /// </summary>
    public static IModemTransport For(ModuleSettings module, Func<string, Stream>? connectVirtual) => module.Transport switch
    {
        ModuleTransport.Serial => new SerialTransport(module.Device, module.Baud),
        ModuleTransport.Tcp => new TcpTransport(module.Host, module.Port),
        _ when connectVirtual is null => throw new InvalidOperationException($"module {module.Name} is virtual and this process runs no virtual network"),
        _ => new VirtualTransport(module.Number!, () => connectVirtual(module.Number!)),
    };
}
