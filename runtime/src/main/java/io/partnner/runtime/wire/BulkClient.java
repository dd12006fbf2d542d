package io.partnner.runtime.wire;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The receiving end of the bulk lane: fetches the bytes a {@link BulkServer} holds under a token, over one kept
 * connection per server. Not for concurrent use: one executor owns one client.
 */
public final class BulkClient implements AutoCloseable {
  private record Connection(Socket socket, DataInputStream in, OutputStream out) {}

  private final int maxBytes;
  private final int timeoutMillis;
  private final Map<String, Connection> connections = new HashMap<>();

  /** A client refusing more than {@code maxBytes} per fetch and waiting at most {@code timeout} for data. */
  public BulkClient(int maxBytes, Duration timeout) {
    this.maxBytes = maxBytes;
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  /**
   * The bytes held under {@code token} at {@code endpoint} ({@code host:port}).
   *
   * @throws WireFormatException naming the endpoint and the reason: unknown token, over the size limit, or a
   *     connection that failed (the connection is dropped and the next fetch opens a new one)
   */
  public byte[] fetch(String endpoint, String token) {
    byte[] raw;
    try {
      raw = HexFormat.of().parseHex(token);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("bulk token '" + token + "' is not hex");
    }
    if (raw.length != BulkServer.TOKEN_BYTES) {
      throw new WireFormatException("bulk token has " + raw.length + " bytes, expected " + BulkServer.TOKEN_BYTES);
    }
    Connection connection = null;
    try {
      connection = connection(endpoint);
      connection.out().write(raw);
      connection.out().flush();
      int length = connection.in().readInt();
      if (length < 0) {
        throw new WireFormatException("bulk lane " + endpoint + " holds nothing under token " + token
            + " (never offered, already fetched, or expired)");
      }
      if (length > maxBytes) {
        close(endpoint);
        throw new WireFormatException("bulk lane " + endpoint + " offers " + length + " bytes, over the limit " + maxBytes);
      }
      byte[] bytes = new byte[length];
      connection.in().readFully(bytes);
      return bytes;
    } catch (IOException e) {
      close(endpoint);
      throw new WireFormatException("bulk lane " + endpoint + ": " + e.getMessage());
    }
  }

  private Connection connection(String endpoint) throws IOException {
    Connection known = connections.get(endpoint);
    if (known != null && !known.socket().isClosed()) {
      return known;
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      throw new WireFormatException("bulk endpoint '" + endpoint + "' is not host:port");
    }
    int port;
    try {
      port = Integer.parseInt(endpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new WireFormatException("bulk endpoint '" + endpoint + "' has no port number");
    }
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(endpoint.substring(0, colon), port), timeoutMillis);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(timeoutMillis);
    Connection opened = new Connection(socket, new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16)),
        socket.getOutputStream());
    connections.put(endpoint, opened);
    return opened;
  }

  private void close(String endpoint) {
    Connection connection = connections.remove(endpoint);
    if (connection != null) {
      try {
        connection.socket().close();
      } catch (IOException ignored) {
        // Already broken; nothing to release beyond the socket.
      }
    }
  }

  @Override
  public void close() {
    for (String endpoint : Map.copyOf(connections).keySet()) {
      close(endpoint);
    }
  }
}
