package io.partnner.actors;

import io.partnner.actors.wire.WireMessage;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Serves the edge's model bytes, by content hash and in chunks, to cloud nodes that do not have them. The
 * chunks stay under Artery's ordinary frame, so fetching a model never blocks the large-message lane.
 */
public final class ModelSource {
  /** What a model source is asked. */
  public sealed interface Command {}

  /** Send chunk {@code index} of the model with {@code hash}. */
  public record FetchChunk(String hash, int index, ActorRef<Reply> replyTo) implements Command, WireMessage {}

  /** What a model source answers. */
  public sealed interface Reply {}

  /** One chunk: {@code count} chunks make {@code totalBytes}. */
  public record Chunk(String hash, int index, int count, long totalBytes, byte[] data) implements Reply, WireMessage {}

  /** The source has no such model or chunk. */
  public record NoSuchModel(String hash, String reason) implements Reply, WireMessage {}

  /** Where cloud hosts find model sources. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "partnner-model-source");

  /** Chunk size: 192 KiB stays under Artery's default 256 KiB frame with room for the envelope. */
  public static final int CHUNK_BYTES = 192 * 1024;

  private ModelSource() {}

  /** A source for {@code models} (content hash to bytes), registered with the receptionist. */
  static Behavior<Command> create(Map<String, byte[]> models) {
    Map<String, byte[]> held = Map.copyOf(models);
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
      return Behaviors.receiveMessage(fetch -> {
        FetchChunk request = (FetchChunk) fetch;
        byte[] bytes = held.get(request.hash());
        int count = bytes == null ? 0 : Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        if (bytes == null) {
          request.replyTo().tell(new NoSuchModel(request.hash(), "unknown model hash " + request.hash()));
        } else if (request.index() < 0 || request.index() >= count) {
          request.replyTo().tell(new NoSuchModel(request.hash(),
              "chunk " + request.index() + " is out of range 0.." + (count - 1)));
        } else {
          int from = request.index() * CHUNK_BYTES;
          int to = Math.min(bytes.length, from + CHUNK_BYTES);
          request.replyTo().tell(new Chunk(request.hash(), request.index(), count, bytes.length,
              java.util.Arrays.copyOfRange(bytes, from, to)));
        }
        return Behaviors.same();
      });
    });
  }
}
