package io.partnner.runtime.wire;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The receiving end of the bulk lane: a plain TCP listener whose peers push {@link BulkFrame}s, each read
 * straight into arrays of its own and put into the node's {@link BulkInbox} under its token; the
 * {@link BulkDelivery} acknowledges it to the sender on the same connection. Each connection is
 * read on a thread of its own and kept open between frames. A frame's bytes are reserved in the inbox before they
 * are read; once a frame has started, its bytes must keep coming (no gap of {@code frameTimeout}). A stream that is not a bulk
 * stream, or a frame that is malformed or truncated, closes its connection, fails its claim with the reason and
 * is logged naming the peer.
 */
public final class BulkReceiver implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(BulkReceiver.class.getName());
  private static final int BUFFER_BYTES = 1 << 16;
  private static final int MAX_CONNECTIONS = 64;

  private final ServerSocket server;
  private final String endpoint;
  private final ReceiveBuffers receiveBuffers;
  private final BulkInbox inbox;
  private final int frameTimeoutMillis;
  private final int maxTensorBytes;
  private final long maxFrameBytes;
  private final ScheduledExecutorService sweeper;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Listens on {@code host} at {@code port} (0: any free port) for frames into {@code inbox}.
   *
   * @param frameTimeout longest gap in a started frame's bytes (also the inbox's sweep period, at most 1 s)
   * @param maxTensorBytes largest tensor a frame may carry
   * @param maxFrameBytes most payload bytes one frame may carry
   * @throws UncheckedIOException naming the address when it cannot listen
   */
  public BulkReceiver(String host, int port, BulkInbox inbox, Duration frameTimeout, int maxTensorBytes,
      long maxFrameBytes) {
    this(host, port, inbox, frameTimeout, maxTensorBytes, maxFrameBytes, ReceiveBuffers.none());
  }

  /**
   * As the other constructor, reading payloads into arrays from {@code receiveBuffers}, which the executor
   * gives back after its run ({@link EncodedTensor#release}).
   */
  public BulkReceiver(String host, int port, BulkInbox inbox, Duration frameTimeout, int maxTensorBytes,
      long maxFrameBytes, ReceiveBuffers receiveBuffers) {
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    this.receiveBuffers = Objects.requireNonNull(receiveBuffers, "receiveBuffers");
    this.frameTimeoutMillis = Math.toIntExact(Math.max(1, frameTimeout.toMillis()));
    this.maxTensorBytes = maxTensorBytes;
    this.maxFrameBytes = maxFrameBytes;
    try {
      this.server = new ServerSocket(port, 50, InetAddress.getByName(host));
    } catch (IOException e) {
      throw new UncheckedIOException("bulk lane: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    this.endpoint = host + ":" + server.getLocalPort();
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("partnner-bulk-sweep"));
    long sweepMillis = Math.min(1000, frameTimeoutMillis);
    sweeper.scheduleWithFixedDelay(inbox::expire, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    Thread acceptor = daemon("partnner-bulk-accept").newThread(this::accept);
    acceptor.start();
  }

  /** {@code host:port} where peers push frames. */
  public String endpoint() {
    return endpoint;
  }

  /** Where the frames go. */
  public BulkInbox inbox() {
    return inbox;
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": accept failed: " + e.getMessage());
        }
        continue;
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": refused a connection from "
            + socket.getRemoteSocketAddress() + ": " + MAX_CONNECTIONS + " are open");
        closeQuietly(socket);
        continue;
      }
      connections.add(socket);
      daemon("partnner-bulk-in " + socket.getRemoteSocketAddress()).newThread(() -> serve(socket)).start();
    }
  }

  private void serve(Socket socket) {
    String peer = String.valueOf(socket.getRemoteSocketAddress());
    String token = null;
    // Acknowledgements and replies go back on a thread of their own: whoever sends them (an actor) never blocks on
    // the socket.
    ExecutorService back = Executors.newSingleThreadExecutor(daemon("partnner-bulk-back " + peer));
    BulkDelivery.Channel channel = new Back(socket, back);
    try (socket) {
      socket.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES));
      byte[] rawToken = new byte[BulkFrame.TOKEN_BYTES];
      while (!closed) {
        token = null;
        socket.setSoTimeout(0);
        int magic;
        try {
          magic = in.readInt();
        } catch (EOFException finished) {
          return;
        }
        if (magic != BulkFrame.MAGIC) {
          LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": closed the connection from " + peer
              + ": it is not a partnner bulk stream (it starts with 0x" + Integer.toHexString(magic) + ")");
          return;
        }
        socket.setSoTimeout(frameTimeoutMillis);
        in.readFully(rawToken);
        token = HexFormat.of().formatHex(rawToken);
        BulkFrame.Header header = BulkFrame.readHeader(in, maxTensorBytes, maxFrameBytes);
        String refusal = inbox.reserve(token, header.payloadBytes());
        if (refusal != null) {
          LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": refused a frame from " + peer + ": "
              + refusal);
          in.skipNBytes(header.payloadBytes());
          continue;
        }
        Map<String, EncodedTensor> tensors;
        try {
          tensors = BulkFrame.readPayloads(in, header, receiveBuffers);
        } catch (IOException | RuntimeException broken) {
          inbox.failed(token, reason(peer, broken));
          token = null;
          throw broken;
        }
        inbox.arrived(token, new BulkDelivery(token, tensors, channel));
      }
    } catch (WireFormatException malformed) {
      refuse(token, peer, malformed.getMessage());
    } catch (SocketTimeoutException stalled) {
      refuse(token, peer, stalled(peer));
    } catch (IOException | RuntimeException broken) {
      refuse(token, peer, reason(peer, broken));
    } finally {
      connections.remove(socket);
      back.shutdown();
    }
  }

  /**
   * Writes acknowledgements and replies to one connection, on its own thread. A write that makes no progress for the
   * frame timeout (the sender stopped reading) closes the connection; the sender then fails what it awaits.
   */
  private final class Back implements BulkDelivery.Channel {
    private final Socket socket;
    private final ExecutorService writer;
    private java.io.OutputStream out;

    Back(Socket socket, ExecutorService writer) {
      this.socket = socket;
      this.writer = writer;
    }

    @Override
    public void acknowledge(String token, int queueLength, long meanServiceNanos) {
      submit(out -> out.write(BulkFrame.ack(token, queueLength, meanServiceNanos)));
    }

    @Override
    public void reply(String token, byte[] note, Map<String, EncodedTensor> tensors) {
      submit(out -> BulkFrame.writeReply(out, token, note, tensors, maxTensorBytes));
    }

    private void submit(Write write) {
      try {
        writer.execute(() -> {
          java.util.concurrent.ScheduledFuture<?> stall = sweeper.schedule(() -> closeQuietly(socket),
              frameTimeoutMillis, TimeUnit.MILLISECONDS);
          try {
            if (out == null) {
              out = new java.io.BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
            }
            write.to(out);
            out.flush();
          } catch (IOException | RuntimeException broken) {
            if (!closed && !socket.isClosed()) {
              LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": closed the connection to "
                  + socket.getRemoteSocketAddress() + ", an answer could not be written: " + broken);
            }
            closeQuietly(socket);
          } finally {
            stall.cancel(false);
          }
        });
      } catch (RejectedExecutionException closedAlready) {
        // The connection is gone; its sender learns that by itself.
      }
    }
  }

  /** One write to the connection back. */
  @FunctionalInterface
  private interface Write {
    void to(java.io.OutputStream out) throws IOException;
  }

  private void refuse(String token, String peer, String reason) {
    if (token != null) {
      inbox.failed(token, "bulk lane " + endpoint + ": " + reason);
    }
    if (!closed) {
      LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": closed the connection from " + peer + ": "
          + reason);
    }
  }

  private String reason(String peer, Exception broken) {
    if (broken instanceof EOFException) {
      return "the stream from " + peer + " ended in the middle of a frame";
    }
    if (broken instanceof SocketTimeoutException) {
      return stalled(peer);
    }
    return broken instanceof WireFormatException ? broken.getMessage()
        : "the stream from " + peer + " failed: " + broken;
  }

  private String stalled(String peer) {
    return "the frame from " + peer + " stalled: no bytes for " + frameTimeoutMillis + " ms in the middle of it";
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    connections.forEach(BulkReceiver::closeQuietly);
    sweeper.shutdownNow();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing frees the socket either way.
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
