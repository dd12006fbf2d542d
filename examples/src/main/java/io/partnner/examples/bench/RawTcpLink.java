package io.partnner.examples.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A plain socket pair on the loopback address in this JVM, the baseline for Artery: each message is a 4-byte
 * length and the bytes, read on a thread of its own into a new array (a receiver keeps the tensor, as an
 * executor does), and answered with one byte.
 */
final class RawTcpLink implements AutoCloseable {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final ServerSocket server;
  private final Thread reader;
  private final Socket socket;
  private final DataOutputStream out;
  private final InputStream acks;
  private final Duration timeout;
  private final int maxMessageBytes;
  private volatile Throwable readerFailure;
  // The last message the reader kept, so the JIT cannot drop the array it reads into.
  private volatile byte[] kept = new byte[0];

  private RawTcpLink(ServerSocket server, Duration timeout, int maxMessageBytes) throws IOException {
    this.server = server;
    this.timeout = timeout;
    this.maxMessageBytes = maxMessageBytes;
    this.reader = new Thread(this::serve, "bench-raw-tcp-reader");
    reader.setDaemon(true);
    reader.start();
    this.socket = new Socket(server.getInetAddress(), server.getLocalPort());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES));
    this.acks = socket.getInputStream();
  }

  /** Opens the pair on 127.0.0.1 with a free port; messages up to {@code maxMessageBytes}. */
  static RawTcpLink open(Duration timeout, int maxMessageBytes) throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    try {
      return new RawTcpLink(server, timeout, maxMessageBytes);
    } catch (IOException | RuntimeException failure) {
      server.close();
      throw failure;
    }
  }

  /** Sends {@code count} messages of {@code payload} back to back, then waits for every acknowledgement; the nanoseconds taken. */
  long roundTrips(byte[] payload, int count) throws IOException {
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      out.writeInt(payload.length);
      out.write(payload);
    }
    out.flush();
    for (int i = 0; i < count; i++) {
      if (acks.read() != 1) {
        throw new IOException("the raw TCP reader stopped" + (readerFailure != null ? ": " + readerFailure : ""));
      }
    }
    long nanos = System.nanoTime() - start;
    if (kept.length != payload.length) {
      throw new IOException("the raw TCP reader kept " + kept.length + " bytes, " + payload.length + " were sent");
    }
    return nanos;
  }

  private void serve() {
    try (Socket accepted = server.accept()) {
      accepted.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(accepted.getInputStream(), BUFFER_BYTES));
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return;
        }
        if (length < 0 || length > maxMessageBytes) {
          throw new IOException("message length " + length + " is outside 0.." + maxMessageBytes);
        }
        byte[] message = new byte[length];
        in.readFully(message);
        kept = message;
        accepted.getOutputStream().write(1);
      }
    } catch (IOException | RuntimeException failure) {
      readerFailure = failure;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      socket.close();
      reader.join(timeout.toMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
    }
  }
}
