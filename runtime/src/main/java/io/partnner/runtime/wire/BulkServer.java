package io.partnner.runtime.wire;

import io.partnner.runtime.time.Ticker;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The sending end of the bulk lane: holds byte arrays under unguessable tokens and serves each once over plain
 * TCP, so that large tensors need not pass through the actor transport's framing. A request is the 16 bytes of
 * a token; the answer is a length and the bytes, or -1 for a token it does not hold (never offered, already
 * fetched, or expired). Holdings are bounded in count of bytes and in time.
 */
public final class BulkServer implements AutoCloseable {
  private record Held(byte[] bytes, long expiresNanos) {}

  private static final System.Logger LOG = System.getLogger(BulkServer.class.getName());
  static final int TOKEN_BYTES = 16;

  private final ServerSocket server;
  private final String endpoint;
  private final long maxHeldBytes;
  private final long ttlNanos;
  private final Ticker ticker;
  private final Random tokens;
  private final Map<String, Held> held = new LinkedHashMap<>();
  private long heldBytes;
  private volatile boolean closed;

  /**
   * A server on {@code host} (any free port) holding at most {@code maxHeldBytes} for at most {@code ttl} each.
   *
   * @param tokens the source of tokens: a {@link java.security.SecureRandom} outside tests
   */
  public BulkServer(String host, long maxHeldBytes, Duration ttl, Ticker ticker, Random tokens) {
    this.maxHeldBytes = maxHeldBytes;
    this.ttlNanos = ttl.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getByName(host));
    } catch (IOException e) {
      throw new UncheckedIOException("bulk lane: cannot listen on " + host + ": " + e.getMessage(), e);
    }
    this.endpoint = host + ":" + server.getLocalPort();
    Thread acceptor = new Thread(this::accept, "partnner-bulk-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code host:port} where the bytes are fetched. */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Holds {@code bytes} for one fetch and returns its token (32 hex digits).
   *
   * @throws IllegalStateException when holding them would exceed the byte limit
   */
  public synchronized String offer(byte[] bytes) {
    expire();
    if (heldBytes + bytes.length > maxHeldBytes) {
      throw new IllegalStateException("bulk lane is full: " + heldBytes + " bytes held, limit " + maxHeldBytes);
    }
    byte[] raw = new byte[TOKEN_BYTES];
    tokens.nextBytes(raw);
    String token = HexFormat.of().formatHex(raw);
    held.put(token, new Held(bytes, ticker.nanos() + ttlNanos));
    heldBytes += bytes.length;
    return token;
  }

  /** Bytes held now. */
  public synchronized long heldBytes() {
    expire();
    return heldBytes;
  }

  private synchronized byte[] take(String token) {
    expire();
    Held entry = held.remove(token);
    if (entry == null) {
      return null;
    }
    heldBytes -= entry.bytes().length;
    return entry.bytes();
  }

  private void expire() {
    long now = ticker.nanos();
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      Held entry = it.next();
      if (entry.expiresNanos() <= now) {
        heldBytes -= entry.bytes().length;
        it.remove();
      }
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        Thread connection = new Thread(() -> serve(socket), "partnner-bulk-serve");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "bulk lane: accept failed: " + e.getMessage());
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        DataInputStream in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16))) {
      byte[] raw = new byte[TOKEN_BYTES];
      while (!closed) {
        in.readFully(raw);
        byte[] bytes = take(HexFormat.of().formatHex(raw));
        if (bytes == null) {
          out.writeInt(-1);
        } else {
          out.writeInt(bytes.length);
          out.write(bytes);
        }
        out.flush();
      }
    } catch (EOFException finished) {
      // The client closed its connection.
    } catch (IOException e) {
      if (!closed) {
        LOG.log(System.Logger.Level.DEBUG, "bulk lane: a connection ended: " + e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing a listening socket frees the port either way.
    }
    synchronized (this) {
      held.clear();
      heldBytes = 0;
    }
  }
}
