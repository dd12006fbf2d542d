package io.partnner.runtime.wire;

import io.partnner.runtime.time.Ticker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending end of the bulk lane: pushes tensors to a peer's {@link BulkReceiver} as {@link BulkFrame}s, their
 * payloads written from the tensors' own buffers. One connection per peer, opened ahead of use by {@link #warm}
 * and kept open; each peer has a writer thread and a thread reading what comes back, so a caller (an actor) never
 * blocks: {@link #send} queues the frame (the request and its tensors) and returns the stages of its acknowledgement
 * and its reply. Bounded: at
 * most {@code maxQueuedBytes} of payload wait at once (over it a send fails at once), a connect or a write that
 * makes no progress for {@code timeout} closes the connection and fails (the next send opens a new one), a frame
 * not acknowledged within {@code timeout} of being written fails, and so does one without a reply within
 * {@code replyTimeout}.
 */
public final class BulkSender implements AutoCloseable {
  private static final int BUFFER_BYTES = 1 << 16;
  // Writes go to the socket in pieces of this size, so that progress is seen within a large payload.
  private static final int PIECE_BYTES = 1 << 20;

  private final long maxQueuedBytes;
  private final long timeoutNanos;
  private final long replyTimeoutNanos;
  private final int maxTensorBytes;
  private final Random tokens;
  private final Ticker ticker;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Map<String, Peer> peers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(BulkReceiver.daemon("partnner-bulk-watchdog"));
  private volatile boolean closed;

  /**
   * A sender queueing at most {@code maxQueuedBytes}, giving up on a peer after {@code timeout} without progress
   * and on a reply after {@code replyTimeout}, refusing tensors over {@code maxTensorBytes} (both ways).
   *
   * @param tokens the source of tokens: a {@link java.security.SecureRandom} outside tests
   */
  public BulkSender(long maxQueuedBytes, Duration timeout, Duration replyTimeout, int maxTensorBytes, Random tokens,
      Ticker ticker) {
    if (maxQueuedBytes < 1 || timeout.isNegative() || timeout.isZero() || replyTimeout.compareTo(timeout) < 0) {
      throw new IllegalArgumentException("bulk sender needs a positive queue limit and timeout, and a reply timeout "
          + "no shorter, got " + maxQueuedBytes + " bytes, " + timeout + " and " + replyTimeout);
    }
    this.maxQueuedBytes = maxQueuedBytes;
    this.timeoutNanos = timeout.toNanos();
    this.replyTimeoutNanos = replyTimeout.toNanos();
    this.maxTensorBytes = maxTensorBytes;
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    long checkMillis = Math.max(1, timeout.toMillis() / 4);
    watchdog.scheduleWithFixedDelay(this::closeStalled, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
  }

  /** A fresh unguessable token: 32 hex digits. */
  public String newToken() {
    byte[] raw = new byte[BulkFrame.TOKEN_BYTES];
    synchronized (tokens) {
      tokens.nextBytes(raw);
    }
    return HexFormat.of().formatHex(raw);
  }

  /** Opens the connection to {@code endpoint} ({@code host:port}) in the background, if it is not open. */
  public void warm(String endpoint) {
    run(endpoint, peer -> {
      try {
        peer.connection();
      } catch (IOException | RuntimeException unreachable) {
        // The first send reports it, with the reason.
      }
    });
  }

  /**
   * Queues {@code request} and its {@code tensors} for {@code endpoint} under {@code token}, in one frame. The
   * exchange's stages complete with the receiver's acknowledgement and reply; or both fail with a
   * {@link BulkRefusedException} carrying the receiver's reason when it refused the request; or with a
   * {@link WireFormatException} naming the peer and the reason: the queue is full (then both have failed already when
   * this returns), a tensor cannot be sent, the connection failed or made no progress within the timeout, or what
   * was awaited did not come in time.
   */
  public BulkExchange send(String endpoint, String token, BulkRequest request, Map<String, EncodedTensor> tensors) {
    Awaiting awaiting = new Awaiting(new CompletableFuture<>(), new CompletableFuture<>());
    BulkExchange exchange = new BulkExchange(awaiting.ack(), awaiting.reply());
    long bytes = BulkFrame.payloadBytes(tensors);
    long queued = queuedBytes.addAndGet(bytes);
    if (queued > maxQueuedBytes) {
      queuedBytes.addAndGet(-bytes);
      awaiting.fail(new WireFormatException("bulk lane to " + endpoint + " is full: " + (queued - bytes)
          + " bytes queued, " + bytes + " more would pass the limit of " + maxQueuedBytes + " (partnner.bulk.max-held)"));
      return exchange;
    }
    boolean queuedUp = run(endpoint, peer -> {
      WireFormatException failed = null;
      try {
        peer.write(token, request, tensors, awaiting);
      } catch (IOException | RuntimeException failure) {
        peer.awaiting.remove(token);
        failed = failure instanceof WireFormatException wire ? wire
            : new WireFormatException("bulk lane to " + endpoint + ": " + describe(failure), failure);
      }
      queuedBytes.addAndGet(-bytes);
      if (failed != null) {
        awaiting.fail(failed);
      }
    });
    if (!queuedUp) {
      queuedBytes.addAndGet(-bytes);
      awaiting.fail(new WireFormatException("bulk lane to " + endpoint + " is closed"));
    }
    return exchange;
  }

  /** Payload bytes waiting to be written now. */
  public long queuedBytes() {
    return queuedBytes.get();
  }

  /** Closes the connection to {@code endpoint}; frames still queued for it fail. */
  public void forget(String endpoint) {
    Peer peer = peers.remove(endpoint);
    if (peer != null) {
      peer.stop();
    }
  }

  @Override
  public void close() {
    closed = true;
    peers.keySet().forEach(this::forget);
    watchdog.shutdownNow();
  }

  /** Runs {@code task} on the peer's writer; false when the sender or that peer is closed. */
  private boolean run(String endpoint, java.util.function.Consumer<Peer> task) {
    if (closed) {
      return false;
    }
    Peer peer = peers.computeIfAbsent(endpoint, Peer::new);
    try {
      peer.writer.execute(() -> task.accept(peer));
      return true;
    } catch (RejectedExecutionException stopped) {
      return false;
    }
  }

  private void closeStalled() {
    long now = ticker.nanos();
    for (Peer peer : peers.values()) {
      long since = peer.busySince;
      if (since != 0 && now - since > timeoutNanos) {
        peer.stalled = true;
        peer.closeSocket();
      }
      peer.awaiting.forEach((token, awaiting) -> {
        long written = awaiting.writtenNanos;
        if (written == 0) {
          return;
        }
        if (!awaiting.ack().isDone() && now - written > timeoutNanos) {
          awaiting.fail(new WireFormatException("bulk lane to " + peer.endpoint + ": no acknowledgement of token "
              + token + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
          peer.awaiting.remove(token, awaiting);
        } else if (now - written > replyTimeoutNanos) {
          awaiting.fail(new WireFormatException("bulk lane to " + peer.endpoint + ": no reply under token " + token
              + " within " + TimeUnit.NANOSECONDS.toMillis(replyTimeoutNanos) + " ms"));
          peer.awaiting.remove(token, awaiting);
        }
      });
    }
  }

  /** What a frame awaits: its acknowledgement and its reply; the connection it went on, once it is written. */
  private static final class Awaiting {
    private final CompletableFuture<BulkAck> ack;
    private final CompletableFuture<BulkReply> reply;
    volatile Socket connection;
    volatile long writtenNanos;

    Awaiting(CompletableFuture<BulkAck> ack, CompletableFuture<BulkReply> reply) {
      this.ack = ack;
      this.reply = reply;
    }

    CompletableFuture<BulkAck> ack() {
      return ack;
    }

    CompletableFuture<BulkReply> reply() {
      return reply;
    }

    void fail(RuntimeException failure) {
      ack.completeExceptionally(failure);
      reply.completeExceptionally(failure);
    }
  }

  private static String describe(Throwable failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.toString();
  }

  /** One peer: its connection, opened and written only on its writer thread. */
  private final class Peer {
    final String endpoint;
    final ExecutorService writer;
    final Map<String, Awaiting> awaiting = new ConcurrentHashMap<>();
    /** When the current connect or write piece started; 0 while idle. Read by the watchdog. */
    volatile long busySince;
    volatile boolean stalled;
    private volatile boolean stopped;
    private volatile Socket socket;
    private OutputStream out;

    Peer(String endpoint) {
      this.endpoint = endpoint;
      this.writer = Executors.newSingleThreadExecutor(BulkReceiver.daemon("partnner-bulk-out " + endpoint));
    }

    OutputStream connection() throws IOException {
      if (stopped) {
        throw new IOException("the connection was closed");
      }
      Socket current = socket;
      if (current != null && !current.isClosed()) {
        return out;
      }
      int colon = endpoint.lastIndexOf(':');
      int port;
      try {
        port = colon <= 0 ? -1 : Integer.parseInt(endpoint.substring(colon + 1));
      } catch (NumberFormatException notNumber) {
        port = -1;
      }
      if (port < 0 || port > 65_535) {
        throw new WireFormatException("bulk endpoint '" + endpoint + "' is not host:port");
      }
      Socket opened = new Socket();
      try {
        opened.connect(new InetSocketAddress(endpoint.substring(0, colon), port),
            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
        opened.setTcpNoDelay(true);
        opened.setKeepAlive(true);
      } catch (IOException failed) {
        opened.close();
        throw new IOException("cannot connect: " + describe(failed), failed);
      }
      socket = opened;
      out = new BufferedOutputStream(new Progress(opened.getOutputStream()), BUFFER_BYTES);
      BulkReceiver.daemon("partnner-bulk-back " + endpoint).newThread(() -> readBack(opened)).start();
      return out;
    }

    /**
     * Completes the stages of frames as their acknowledgements and replies come, until the connection ends; then
     * fails those still waiting on it.
     */
    private void readBack(Socket connection) {
      String reason;
      try {
        DataInputStream in = new DataInputStream(new BufferedInputStream(connection.getInputStream(), BUFFER_BYTES));
        while (true) {
          int magic = in.readInt();
          if (magic == BulkFrame.ACK_MAGIC) {
            BulkFrame.Ack ack = BulkFrame.readAck(in);
            Awaiting waiting = awaiting.get(ack.token());
            if (waiting != null) {
              waiting.ack().complete(ack.ack());
            }
          } else if (magic == BulkFrame.REFUSAL_MAGIC) {
            BulkFrame.Refusal refusal = BulkFrame.readRefusal(in);
            Awaiting waiting = awaiting.remove(refusal.token());
            if (waiting != null) {
              waiting.fail(new BulkRefusedException(refusal.reason()));
            }
          } else if (magic == BulkFrame.REPLY_MAGIC) {
            BulkFrame.Reply reply = BulkFrame.readReply(in, maxTensorBytes, maxQueuedBytes);
            Awaiting waiting = awaiting.remove(reply.token());
            if (waiting != null) {
              waiting.reply().complete(reply.reply());
            }
          } else {
            throw new WireFormatException("the receiver sent what is not a bulk lane answer (it starts with 0x"
                + Integer.toHexString(magic) + ")");
          }
        }
      } catch (java.io.EOFException closed) {
        reason = "the receiver closed the connection";
      } catch (IOException | RuntimeException broken) {
        reason = stalled ? "no progress for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms; the connection was closed" : describe(broken);
      }
      try {
        connection.close();
      } catch (IOException ignored) {
        // Closed either way.
      }
      // Frames written on a newer connection wait for theirs.
      String why = reason;
      awaiting.forEach((token, waiting) -> {
        if (waiting.connection == connection && awaiting.remove(token, waiting)) {
          waiting.fail(new WireFormatException("bulk lane to " + endpoint + ": " + why));
        }
      });
    }

    void write(String token, BulkRequest request, Map<String, EncodedTensor> tensors, Awaiting waiting)
        throws IOException {
      OutputStream stream = connection();
      // Awaited before the write: the acknowledgement may come before the write call returns.
      waiting.connection = socket;
      awaiting.put(token, waiting);
      stalled = false;
      try {
        BulkFrame.write(stream, token, request, tensors, maxTensorBytes);
        stream.flush();
        waiting.writtenNanos = ticker.nanos();
      } catch (IllegalArgumentException unsendable) {
        awaiting.remove(token);
        // Refused before a byte of the frame was written: the connection stays good.
        throw new WireFormatException("bulk lane to " + endpoint + ": " + unsendable.getMessage(), unsendable);
      } catch (IOException failed) {
        awaiting.remove(token);
        closeSocket();
        throw stalled ? new IOException("no progress for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms; the connection was closed", failed) : failed;
      } catch (RuntimeException failed) {
        awaiting.remove(token);
        closeSocket();
        throw failed;
      } finally {
        busySince = 0;
      }
    }

    void stop() {
      stopped = true;
      closeSocket();
      writer.shutdown();
    }

    void closeSocket() {
      Socket current = socket;
      if (current != null) {
        try {
          current.close();
        } catch (IOException ignored) {
          // Closing frees the socket either way.
        }
      }
    }

    /** The socket's stream, written in pieces, each stamped for the watchdog. */
    private final class Progress extends FilterOutputStream {
      Progress(OutputStream out) {
        super(out);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int done = 0; done < length; ) {
          int piece = Math.min(PIECE_BYTES, length - done);
          busySince = ticker.nanos();
          out.write(bytes, offset + done, piece);
          done += piece;
        }
      }

      @Override
      public void write(int value) throws IOException {
        busySince = ticker.nanos();
        out.write(value);
      }
    }
  }
}
