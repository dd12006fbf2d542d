package io.partnner.actors;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.remote.artery.RemoteInstrument;

/**
 * Records every message a node sends over Artery, for tests that must show a message never crossed it: enabled by
 * {@code pekko.remote.artery.advanced.instruments = ["io.partnner.actors.TestingArteryLog"]} (all nodes in one JVM
 * share the record).
 */
public final class TestingArteryLog extends RemoteInstrument {
  private static final List<Object> SENT = new CopyOnWriteArrayList<>();

  /** The setting that turns the log on. */
  static final String CONFIG = "pekko.remote.artery.advanced.instruments = [\"" + TestingArteryLog.class.getName()
      + "\"]";

  /** Messages sent over Artery by nodes with the log on, since the last {@link #clear}. */
  static List<Object> sent() {
    return List.copyOf(SENT);
  }

  static void clear() {
    SENT.clear();
  }

  @Override
  public byte identifier() {
    return 17;
  }

  @Override
  public void remoteWriteMetadata(ActorRef recipient, Object message, ActorRef sender, ByteBuffer buffer) {
    // Writes nothing: this only watches.
    SENT.add(message);
  }

  @Override
  public void remoteMessageSent(ActorRef recipient, Object message, ActorRef sender, int size, long time) {}

  @Override
  public void remoteReadMetadata(ActorRef recipient, Object message, ActorRef sender, ByteBuffer buffer) {}

  @Override
  public void remoteMessageReceived(ActorRef recipient, Object message, ActorRef sender, int size, long time) {}
}
