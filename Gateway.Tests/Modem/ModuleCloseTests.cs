using Akka.Event;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

public class ModuleCloseTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    /// <summary>
    /// A real TCP connection to the modem whose close hangs until released, like a serial port
    /// whose device vanished (STACK-NOTES: Close() once hung for more than 10 s).
    /// </summary>
    private sealed class HangingCloseTransport(int port) : IModemTransport
    {
        public readonly SemaphoreSlim Release = new(0);

        public string Endpoint => $"tcp://127.0.0.1:{port} (close hangs)";

        public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
        {
            var inner = await new TcpTransport("127.0.0.1", port).OpenAsync(cancellationToken);
            return new HangingClose(inner, Release);
        }

        private sealed class HangingClose(Stream inner, SemaphoreSlim release) : Stream
        {
            public override bool CanRead => true;
            public override bool CanWrite => true;
            public override bool CanSeek => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
            public override void Flush() => inner.Flush();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    release.Wait(); // the hung close
                    inner.Dispose();
                }
                base.Dispose(disposing);
            }
        }
    }

    [Fact]
    public async Task A_close_that_hangs_is_abandoned_after_the_close_timeout_and_the_module_still_stops()
    {
        await using var modem = ScriptedModem.Start();
        var transport = new HangingCloseTransport(modem.Port);
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs.Ref, typeof(Warning));
        var status = CreateTestProbe();
        var timings = Timings with
        {
            HealthInterval = TimeSpan.FromMilliseconds(100),
            CommandTimeout = TimeSpan.FromMilliseconds(200),
            DeadAfterTimeouts = 1,
            CloseTimeout = TimeSpan.FromMilliseconds(300),
        };
        var module = Sys.ActorOf(GsmModule.Props(TcpModule("gsm-hang", modem.Port), timings, transport, TestActor, status.Ref));
        Watch(module);
        await ReadyAsync(status);

        modem.Silent = true;
        await StatusAsync(status, s => s.State == ModuleState.Down);
        await ExpectTerminatedAsync(module, Patience);
        await logs.FishForMessageAsync(m => m is Warning w && w.Message.ToString()!.Contains("took longer than 300ms; abandoned"), Patience);
        transport.Release.Release(2);
    }
}
