package io.partnner.actors;

import io.partnner.runtime.wire.EncodedTensor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Where cloud replies that come through Artery arrive on the edge: each is passed through the emulated link's
 * downlink (held until its bytes would have arrived) and then to the gateway. A large-message destination in the
 * config, since results and probe payloads can be big. Answers to requests sent on the bulk lane come back on the
 * lane instead, and the gateway passes them through the same emulated downlink.
 */
final class Downlink {
  /** Bytes of a reply's envelope apart from its tensors: ids, names, times. */
  static final long ENVELOPE_BYTES = 64;

  private Downlink() {}

  static <T> Behavior<SegmentExecutorActor.Reply> create(EmulatedLink link, ActorRef<T> gateway,
      java.util.function.Function<SegmentExecutorActor.Reply, T> wrap) {
    return Behaviors.receiveMessage(reply -> {
      link.down(bytes(reply), () -> gateway.tell(wrap.apply(reply)));
      return Behaviors.same();
    });
  }

  static long bytes(SegmentExecutorActor.Reply reply) {
    if (reply instanceof SegmentExecutorActor.Done done) {
      long total = ENVELOPE_BYTES;
      for (EncodedTensor tensor : done.outputs().values()) {
        total += tensor.encodedBytes();
      }
      return total;
    }
    if (reply instanceof SegmentExecutorActor.ProbePayload payload) {
      return payload.padding().length;
    }
    return ENVELOPE_BYTES;
  }
}
