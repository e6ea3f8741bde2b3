namespace Gateway.Modem.Virtual;

/// <summary>
/// What a virtual modem is doing now (control line STATUS, tests). <see cref="Sent"/>/<see cref="Received"/>
/// count SMS; <see cref="BytesReceived"/>/<see cref="BytesSent"/> count bytes on its serial line
/// (received bytes are counted once the modem has acted on them).
/// </summary>
public sealed record VirtualModemStatus(
    string SimNumber,
    bool Connected,
    SimLock Sim,
    bool Registered,
    int Signal,
    int Stored,
    int Capacity,
    int HeldByNetwork,
    long Sent,
    long Received,
    int NextMessageReference,
    NewMessageIndications Indications,
    int AwaitingAck,
    FaultSnapshot Faults,
    long BytesReceived,
    long BytesSent);
