package io.partnner.runtime.link;

import java.util.Objects;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs actions at given instants of {@link System#nanoTime()}, in order of instant and then of submission,
 * on one daemon thread: the emulated link hands each message to it with the moment the transfer
 * completes. An action that throws is reported and does not stop the line.
 */
public final class DelayLine implements AutoCloseable {
  private record Item(long dueNanos, long order, Runnable action) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Item that = (Item) other;
      int byDue = Long.compare(dueNanos, that.dueNanos);
      return byDue != 0 ? byDue : Long.compare(order, that.order);
    }
  }

  private static final System.Logger LOG = System.getLogger(DelayLine.class.getName());

  private final DelayQueue<Item> queue = new DelayQueue<>();
  private final AtomicLong order = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  /** A line whose thread is named {@code name}. */
  public DelayLine(String name) {
    thread = new Thread(this::loop, Objects.requireNonNull(name, "name"));
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code action} once {@code System.nanoTime()} has reached {@code dueNanos}. */
  public void at(long dueNanos, Runnable action) {
    if (closed) {
      throw new IllegalStateException("delay line " + thread.getName() + " is closed");
    }
    queue.add(new Item(dueNanos, order.getAndIncrement(), Objects.requireNonNull(action, "action")));
  }

  private void loop() {
    while (!closed) {
      Item item;
      try {
        item = queue.take();
      } catch (InterruptedException stop) {
        return;
      }
      try {
        item.action().run();
      } catch (RuntimeException failure) {
        LOG.log(System.Logger.Level.ERROR, "delay line " + thread.getName() + ": an action failed", failure);
      }
    }
  }

  /** Stops the thread; actions not yet due are dropped. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
