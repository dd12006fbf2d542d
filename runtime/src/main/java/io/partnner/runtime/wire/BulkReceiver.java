package io.partnner.runtime.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receiving end of the bulk lane: a plain TCP listener whose peers push {@link BulkFrame}s, each carrying its
 * request; each frame is read straight into arrays of its own and handed, as a {@link BulkDelivery}, to the
 * {@link BulkHandler} registered for its model (the node's executor), which acknowledges and answers it on the same
 * connection. Each connection is read on a thread of its own and kept open between frames. A frame's bytes are
 * reserved in the {@link BulkInbox} before they are read; once a frame has started, its bytes must keep coming (no
 * gap of {@code frameTimeout}). A frame whose request is malformed, for a model no handler serves, or over the
 * inbox's limits is refused on the connection with the reason, and the connection goes on; a stream that is not a
 * bulk stream, or a frame whose lengths are malformed or that is truncated, closes its connection (its frame is
 * refused with the reason first, when its token was read); both are logged naming the peer.
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
  private final Map<String, BulkHandler> handlers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * Listens on {@code host} at {@code port} (0: any free port) for frames, their bytes counted in {@code inbox}.
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

  /** What holds the bytes of frames being read or waiting for their executor. */
  public BulkInbox inbox() {
    return inbox;
  }

  /** Hands the frames for the model with content hash {@code modelHash} to {@code handler} from now on. */
  public void register(String modelHash, BulkHandler handler) {
    handlers.put(Objects.requireNonNull(modelHash, "modelHash"), Objects.requireNonNull(handler, "handler"));
  }

  /** Frames for {@code modelHash} are refused from now on, unless another handler took its place already. */
  public void unregister(String modelHash, BulkHandler handler) {
    handlers.remove(modelHash, handler);
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
    // Acknowledgements and refusals go back on a thread of their own: whoever sends them (an actor, or this reader)
    // never blocks on the socket.
    ExecutorService writer = Executors.newSingleThreadExecutor(daemon("partnner-bulk-back " + peer));
    Back back = new Back(socket, writer);
    try {
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
        byte[] note = BulkFrame.readNote(in);
        BulkFrame.Header header = BulkFrame.readHeader(in, maxTensorBytes, maxFrameBytes);
        // The note is length-delimited: a bad request is refused and the stream stays in step.
        BulkRequest request = null;
        BulkHandler handler = null;
        String refusal;
        try {
          request = BulkRequest.read(note);
          handler = handlers.get(request.modelHash());
          refusal = handler == null ? "no executor on this node serves model " + request.modelHash()
              + " (request " + request.requestId() + ")" : inbox.reserve(token, header.payloadBytes());
        } catch (WireFormatException malformed) {
          refusal = malformed.getMessage();
        }
        if (refusal != null) {
          refuse(back, token, peer, refusal);
          token = null;
          in.skipNBytes(header.payloadBytes());
          continue;
        }
        Map<String, EncodedTensor> tensors;
        try {
          tensors = BulkFrame.readPayloads(in, header, receiveBuffers);
        } catch (IOException | RuntimeException broken) {
          inbox.release(token);
          throw broken;
        }
        String taken = token;
        BulkDelivery delivery = new BulkDelivery(token, request, tensors, back, () -> inbox.release(taken));
        token = null;
        try {
          handler.handle(delivery);
        } catch (RuntimeException failed) {
          delivery.refuse("bulk lane " + endpoint + ": the executor of model " + request.modelHash()
              + " could not take request " + request.requestId() + ": " + failed);
        }
      }
    } catch (IOException | RuntimeException broken) {
      String reason = reason(peer, broken);
      if (token != null) {
        // The sender learns why at once, before the connection closes.
        back.refuse(token, "bulk lane " + endpoint + ": " + reason);
      }
      if (!closed) {
        LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": closed the connection from " + peer + ": "
            + reason);
      }
    } finally {
      connections.remove(socket);
      // Closed after what is queued for it is written.
      back.closeAfterQueued();
      writer.shutdown();
    }
  }

  /**
   * Writes acknowledgements, refusals and replies to one connection, under one lock. Acknowledgements and refusals
   * are written by the connection's writer thread, so their callers never block; a reply is written by its caller
   * (the executor's ONNX Runtime thread) when nothing is queued before it, saving the wake-up of the writer thread,
   * else queued behind, so that a request's acknowledgement always comes before its reply. A write that makes no
   * progress for the frame timeout (the sender stopped reading) closes the connection; the sender then fails what it
   * awaits.
   */
  private final class Back implements BulkDelivery.Channel {
    private final Socket socket;
    private final ExecutorService writer;
    private final AtomicInteger queued = new AtomicInteger();
    private final Object lock = new Object();
    private OutputStream out;

    Back(Socket socket, ExecutorService writer) {
      this.socket = socket;
      this.writer = writer;
    }

    @Override
    public void acknowledge(String token, int queueLength, long meanServiceNanos) {
      submit(out -> out.write(BulkFrame.ack(token, queueLength, meanServiceNanos)));
    }

    @Override
    public void refuse(String token, String reason) {
      submit(out -> out.write(BulkFrame.refusal(token, reason)));
    }

    @Override
    public void reply(String token, byte[] note, Map<String, EncodedTensor> tensors) {
      Write write = out -> BulkFrame.writeReply(out, token, note, tensors, maxTensorBytes);
      if (queued.get() == 0) {
        writeNow(write);
      } else {
        submit(write);
      }
    }

    void closeAfterQueued() {
      try {
        writer.execute(() -> closeQuietly(socket));
      } catch (RejectedExecutionException stopped) {
        closeQuietly(socket);
      }
    }

    private void submit(Write write) {
      queued.incrementAndGet();
      try {
        writer.execute(() -> {
          try {
            writeNow(write);
          } finally {
            queued.decrementAndGet();
          }
        });
      } catch (RejectedExecutionException closedAlready) {
        queued.decrementAndGet();
        // The connection is gone; its sender learns that by itself.
      }
    }

    private void writeNow(Write write) {
      ScheduledFuture<?> stall = sweeper.schedule(() -> closeQuietly(socket), frameTimeoutMillis,
          TimeUnit.MILLISECONDS);
      try {
        synchronized (lock) {
          if (out == null) {
            out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
          }
          write.to(out);
          out.flush();
        }
      } catch (IOException | RuntimeException broken) {
        if (!closed && !socket.isClosed()) {
          LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": closed the connection to "
              + socket.getRemoteSocketAddress() + ", an answer could not be written: " + broken);
        }
        closeQuietly(socket);
      } finally {
        stall.cancel(false);
      }
    }
  }

  /** One write to the connection back. */
  @FunctionalInterface
  private interface Write {
    void to(OutputStream out) throws IOException;
  }

  private void refuse(Back back, String token, String peer, String reason) {
    LOG.log(System.Logger.Level.WARNING, "bulk lane " + endpoint + ": refused a frame from " + peer + ": " + reason);
    back.refuse(token, "bulk lane " + endpoint + ": " + reason);
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
